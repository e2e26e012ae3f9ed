package dev.tracefetch.oci.testing;

import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.registry.RegistryClient;
import dev.tracefetch.oci.registry.RetryPolicy;
import dev.tracefetch.oci.registry.auth.Credentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real OCI registry for tests: Debian's {@code docker-registry} (distribution 2.8) running as a
 * child process on a free loopback port, with filesystem storage in a temporary directory that
 * tests may inspect or corrupt. It can be stopped and started again on the same port with the same
 * storage ("registry down, then back"), and optionally requires htpasswd basic auth.
 *
 * <p>Most tests use it through {@link RegistryExtension}; it can also be used directly:
 *
 * <pre>{@code
 * try (RegistryServer registry = RegistryServer.start(RegistryServer.options())) {
 *   RegistryClient client = registry.newClient();
 * }
 * }</pre>
 *
 * <p>The binary is {@code /usr/bin/docker-registry}, or the path in system property {@code
 * tracefetch.docker-registry} / environment variable {@code TRACEFETCH_DOCKER_REGISTRY}.
 */
public final class RegistryServer implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final Options options;
  private final Path workDir;
  private final Path storageRoot;
  private final Path configFile;
  private final Path logFile;
  private int port;
  private Process process;
  private Thread shutdownHook;

  /** What kind of registry to start. */
  public static final class Options {
    private Credentials basicAuth;

    private Options() {}

    /** Require these credentials (htpasswd with bcrypt, made with Apache's {@code htpasswd}). */
    public Options basicAuth(String username, String password) {
      this.basicAuth = new Credentials(username, password);
      return this;
    }

    Optional<Credentials> credentials() {
      return Optional.ofNullable(basicAuth);
    }
  }

  /** Options for an anonymous registry, to be refined. */
  public static Options options() {
    return new Options();
  }

  private RegistryServer(Options options, Path workDir) {
    this.options = options;
    this.workDir = workDir;
    this.storageRoot = workDir.resolve("storage");
    this.configFile = workDir.resolve("config.yml");
    this.logFile = workDir.resolve("registry.log");
  }

  /** Starts a registry on a free loopback port and waits until {@code /v2/} answers. */
  public static RegistryServer start(Options options) throws IOException {
    Path dir = Files.createTempDirectory("tracefetch-registry-");
    RegistryServer server = new RegistryServer(options, dir);
    // If the test JVM dies without closing us, the registry must not outlive it.
    server.shutdownHook = new Thread(server::stop, "stop docker-registry");
    Runtime.getRuntime().addShutdownHook(server.shutdownHook);
    try {
      Files.createDirectories(server.storageRoot);
      server.startOnFreePort();
      return server;
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
  }

  private void startOnFreePort() throws IOException {
    IOException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      port = freeLoopbackPort();
      writeConfig();
      try {
        launch();
        return;
      } catch (IOException e) {
        // Another process may have taken the port between probing and binding: try another.
        last = e;
        if (!log().contains("address already in use")) {
          throw e;
        }
      }
    }
    throw last;
  }

  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private void writeConfig() throws IOException {
    StringBuilder yml = new StringBuilder();
    yml.append("version: 0.1\n")
        .append("log:\n  level: info\n  accesslog:\n    disabled: false\n")
        .append("storage:\n")
        .append("  filesystem:\n    rootdirectory: ")
        .append(storageRoot.toAbsolutePath())
        .append('\n')
        .append("  delete:\n    enabled: true\n")
        .append("  maintenance:\n    uploadpurging:\n      enabled: false\n")
        .append("http:\n  addr: 127.0.0.1:")
        .append(port)
        .append('\n')
        // A fixed secret keeps upload sessions valid across a restart.
        .append("  secret: ")
        .append(HexFormat.of().formatHex(randomBytes(16)))
        .append('\n');
    Optional<Credentials> creds = options.credentials();
    if (creds.isPresent()) {
      Path htpasswd = workDir.resolve("htpasswd");
      Files.writeString(htpasswd, htpasswdLine(creds.get()));
      yml.append("auth:\n  htpasswd:\n    realm: tracefetch-test\n    path: ")
          .append(htpasswd.toAbsolutePath())
          .append('\n');
    }
    Files.writeString(configFile, yml.toString());
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    ThreadLocalRandom.current().nextBytes(b);
    return b;
  }

  /** {@code user:$2y$...} from {@code htpasswd -nbB} (the registry accepts bcrypt only). */
  private static String htpasswdLine(Credentials c) throws IOException {
    Process p =
        new ProcessBuilder("htpasswd", "-nbB", c.username(), c.password())
            .redirectErrorStream(true)
            .start();
    String out;
    try {
      out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("htpasswd failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running htpasswd", e);
    }
    return out + "\n";
  }

  static Path binary() {
    String configured = System.getProperty("tracefetch.docker-registry");
    if (configured == null || configured.isBlank()) {
      configured = System.getenv("TRACEFETCH_DOCKER_REGISTRY");
    }
    return Path.of(
        configured == null || configured.isBlank() ? "/usr/bin/docker-registry" : configured);
  }

  private void launch() throws IOException {
    Path bin = binary();
    if (!Files.isExecutable(bin)) {
      throw new IOException(
          "registry binary "
              + bin
              + " not found: install Debian's docker-registry (bin/install-deps does) or set"
              + " -Dtracefetch.docker-registry=/path/to/registry");
    }
    Files.deleteIfExists(logFile);
    process =
        new ProcessBuilder(bin.toString(), "serve", configFile.toString())
            .redirectErrorStream(true)
            .redirectOutput(logFile.toFile())
            .start();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(
            "docker-registry exited with status "
                + process.exitValue()
                + " on port "
                + port
                + ":\n"
                + log());
      }
      if (answers()) {
        return;
      }
      sleep(50);
    }
    stop();
    throw new IOException(
        "docker-registry did not answer on port "
            + port
            + " within "
            + START_TIMEOUT
            + ":\n"
            + log());
  }

  private boolean answers() {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create(url() + "/v2/").toURL().openConnection();
      c.setConnectTimeout(500);
      c.setReadTimeout(2000);
      int code = c.getResponseCode();
      c.disconnect();
      return code == 200 || code == 401;
    } catch (IOException e) {
      return false;
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the registry", e);
    }
  }

  /** Stops the process; storage is kept, so {@link #restart()} serves the same content. */
  public void stop() {
    Process p = process;
    if (p == null) {
      return;
    }
    p.destroy();
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  /** Starts the stopped registry again on the same port with the same storage. */
  public void restart() throws IOException {
    stop();
    launch();
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  public int port() {
    return port;
  }

  /** {@code 127.0.0.1:<port>}: what {@link RegistryClient#builder(String)} takes. */
  public String hostPort() {
    return "127.0.0.1:" + port;
  }

  /** {@code http://127.0.0.1:<port>}. */
  public String url() {
    return "http://" + hostPort();
  }

  /** The registry's storage root directory (filesystem driver). */
  public Path storageRoot() {
    return storageRoot;
  }

  /**
   * Where the registry keeps a blob's bytes: {@code docker/registry/v2/blobs/sha256/xx/<hex>/data}.
   */
  public Path blobDataPath(Digest digest) {
    String hex = digest.hex();
    return storageRoot.resolve(
        Path.of("docker", "registry", "v2", "blobs", "sha256", hex.substring(0, 2), hex, "data"));
  }

  /** The credentials the registry requires, if it was started with basic auth. */
  public Optional<Credentials> credentials() {
    return options.credentials();
  }

  /**
   * A client builder for this registry, with its credentials (if any) and quick retries so tests of
   * failure paths do not wait long.
   */
  public RegistryClient.Builder clientBuilder() {
    RegistryClient.Builder b =
        RegistryClient.builder(hostPort())
            .retryPolicy(
                new RetryPolicy(
                    3, Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(5)));
    options.credentials().ifPresent(b::credentials);
    return b;
  }

  /** A client with {@link #clientBuilder()}'s settings; the caller closes it. */
  public RegistryClient newClient() {
    return clientBuilder().build();
  }

  /** The registry's output so far (config errors, access log). */
  public String log() {
    try {
      return Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read " + logFile + ": " + e.getMessage() + ")";
    }
  }

  /** Stops the registry and deletes its directory (storage, config, log). */
  @Override
  public void close() {
    stop();
    if (shutdownHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        // The hook runs anyway.
      }
      shutdownHook = null;
    }
    deleteRecursively(workDir);
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      List<Path> all = paths.sorted(Comparator.reverseOrder()).toList();
      for (Path p : all) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete registry directory " + dir, e);
    }
  }

  @Override
  public String toString() {
    return "RegistryServer["
        + hostPort()
        + (options.credentials().isPresent() ? ", basic auth" : "")
        + "]";
  }
}
