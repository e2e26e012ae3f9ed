package bench;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;

/** Benchmark workload: a small JVM service. Ready when it logs a line containing READY. */
public final class Main {
  private static final Logger LOG = Logger.getLogger("bench-jvm");

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
    String xml = "<config><item name='alpha'/><item name='beta'/><item name='gamma'/></config>";
    var doc =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    var nodes = doc.getElementsByTagName("item");
    Map<String, Integer> items = new ConcurrentHashMap<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      items.put(((Element) nodes.item(i)).getAttribute("name"), i);
    }
    Pattern word = Pattern.compile("[a-z]+");
    List<String> names =
        items.keySet().stream().filter(n -> word.matcher(n).matches()).sorted().collect(Collectors.toList());
    byte[] salt = new byte[16];
    new SecureRandom().nextBytes(salt);
    String digest =
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(String.join(",", names).getBytes(StandardCharsets.UTF_8)));
    HttpRequest probe = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).GET().build();
    HttpClient client = HttpClient.newBuilder().executor(Executors.newSingleThreadExecutor()).build();

    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] body =
              ("{\"items\":\"" + String.join(",", names) + "\",\"digest\":\"" + digest + "\"}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
    LOG.info("started " + probe.uri() + " client " + client.version());
    String now = DateTimeFormatter.ISO_INSTANT.format(Instant.now().atOffset(ZoneOffset.UTC));
    System.out.println("READY " + now + " items=" + names);
    System.out.flush();
  }
}
