package dev.tracefetch.replayer.cli;

import dev.tracefetch.cli.Cli;
import dev.tracefetch.replayer.control.ControlSockets;
import dev.tracefetch.replayer.control.DaemonThreads;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * The daemon's CLI socket: runs the {@code replayer} commands that are only requests to the daemon
 * ({@code mount --daemon}/{@code --daemon-socket} and {@code clear-cache --daemon-socket}) inside
 * the daemon's warm JVM, on behalf of {@code bin/replayer}, which sends them with curl over HTTP on
 * a Unix socket (as the docker CLI talks to dockerd). A container start then pays for one request
 * (milliseconds) instead of a client JVM start and gRPC set-up (about a second on a 2-core node).
 * The command runs exactly as in its own JVM, parsed by the same picocli model, with relative paths
 * resolved against the client's directory and the client's store token; see {@link
 * ForwardedRequest} for the request and {@link FramedOutput} for the response. Anything else is
 * refused, and the launcher then runs the command in a JVM as before.
 *
 * <p>Only the daemon's own user may connect: the socket is 0600 in a 0700 directory, and the peer's
 * credentials ({@code SO_PEERCRED}) are checked on every connection.
 */
final class ForwardedCommandServer implements AutoCloseable {
  private static final int MAX_CONCURRENT = 16;
  private static final long REQUEST_READ_TIMEOUT_SECONDS = 10;

  private final Path socket;
  private final ServerSocketChannel server;
  private final PrintStream log;
  private final ExecutorService workers;
  private final ScheduledExecutorService timeouts;
  private final Semaphore slots = new Semaphore(MAX_CONCURRENT);
  private final String owner;
  private final Thread acceptor;

  private ForwardedCommandServer(Path socket, ServerSocketChannel server, PrintStream log) {
    this.socket = socket;
    this.server = server;
    this.log = log;
    this.owner = System.getProperty("user.name");
    this.workers = Executors.newCachedThreadPool(DaemonThreads.named("cli-socket-call"));
    this.timeouts =
        Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("cli-socket-timeout"));
    this.acceptor = DaemonThreads.named("cli-socket-accept").newThread(this::acceptLoop);
  }

  /**
   * The CLI socket that goes with the daemon socket {@code daemonSocket}: the same name with {@code
   * .cli.sock} for {@code .sock} (else {@code .cli} appended), in the same directory. {@code
   * bin/replayer} derives it the same way.
   */
  static Path socketFor(Path daemonSocket) {
    String name = daemonSocket.getFileName().toString();
    String cli =
        name.endsWith(".sock")
            ? name.substring(0, name.length() - ".sock".length()) + ".cli.sock"
            : name + ".cli";
    return daemonSocket.resolveSibling(cli);
  }

  /**
   * Serves {@code socket} until closed.
   *
   * @throws IOException if the socket cannot be bound (path too long, served by a live daemon)
   */
  static ForwardedCommandServer start(Path socket, PrintStream log) throws IOException {
    Path abs = ControlSockets.claim(socket, "CLI socket");
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      server.bind(UnixDomainSocketAddress.of(abs));
      Files.setPosixFilePermissions(abs, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException | RuntimeException e) {
      server.close();
      Files.deleteIfExists(abs);
      throw new IOException("cannot serve the CLI socket " + abs + ": " + e.getMessage(), e);
    }
    ForwardedCommandServer s = new ForwardedCommandServer(abs, server, log);
    s.acceptor.start();
    return s;
  }

  Path socket() {
    return socket;
  }

  /**
   * Whether {@code args} is a command this server runs: one that only sends a request to a node
   * daemon. {@code bin/replayer} applies the same rule before it forwards.
   */
  static boolean forwardable(List<String> args) {
    if (args.isEmpty()) {
      return false;
    }
    boolean daemonSocket =
        args.stream()
            .anyMatch(a -> a.equals("--daemon-socket") || a.startsWith("--daemon-socket="));
    return switch (args.get(0)) {
      case "mount" -> daemonSocket || args.contains("--daemon");
      case "clear-cache" ->
          daemonSocket
              && args.stream().noneMatch(a -> a.equals("--cache") || a.startsWith("--cache="));
      default -> false;
    };
  }

  private void acceptLoop() {
    while (server.isOpen()) {
      SocketChannel ch;
      try {
        ch = server.accept();
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        log.println("replayer daemon: CLI socket: accept failed: " + e.getMessage());
        continue;
      }
      if (!slots.tryAcquire()) {
        workers.execute(() -> refuseBusy(ch));
        continue;
      }
      workers.execute(
          () -> {
            try {
              serve(ch);
            } finally {
              slots.release();
            }
          });
    }
  }

  private void refuseBusy(SocketChannel ch) {
    try (ch) {
      respond(
          Channels.newOutputStream(ch), 503, "more than " + MAX_CONCURRENT + " commands at once");
    } catch (IOException e) {
      // The client is gone.
    }
  }

  private void serve(SocketChannel ch) {
    // A client that connects and never finishes its request must not hold a thread forever.
    ScheduledFuture<?> deadline =
        timeouts.schedule(() -> closeQuietly(ch), REQUEST_READ_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    try (ch) {
      InputStream in = Channels.newInputStream(ch);
      OutputStream out = Channels.newOutputStream(ch);
      ForwardedRequest request;
      try {
        checkPeer(ch);
        ForwardedRequest.Head head = ForwardedRequest.readHead(in);
        if (head.expectsContinue()) {
          out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
        }
        request = ForwardedRequest.readBody(in, head);
        if (!forwardable(request.args())) {
          throw new ForwardedRequest.RefusedException(
              404,
              "the daemon runs only requests to a daemon, not: replayer " + request.args().get(0));
        }
      } catch (ForwardedRequest.RefusedException e) {
        deadline.cancel(false);
        respond(out, e.status(), e.getMessage());
        return;
      }
      deadline.cancel(false);
      out.write(
          ("HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      run(request, out);
    } catch (IOException e) {
      // The client went away; a command it started runs to its end regardless.
    } finally {
      deadline.cancel(false);
    }
  }

  private void checkPeer(SocketChannel ch) throws IOException, ForwardedRequest.RefusedException {
    UnixDomainPrincipal peer = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
    if (!peer.user().getName().equals(owner)) {
      throw new ForwardedRequest.RefusedException(
          403, "only " + owner + " may use this socket, not " + peer.user().getName());
    }
  }

  private void run(ForwardedRequest request, OutputStream body) throws IOException {
    long started = System.nanoTime();
    FramedOutput output = new FramedOutput(body);
    CommandLine cli = Cli.commandLine(new ReplayerCommand());
    cli.setOut(output.out());
    cli.setErr(output.err());
    cli.registerConverter(Path.class, s -> request.workingDirectory().resolve(s));
    cli.setExecutionStrategy(this::runIfStillADaemonRequest);
    String[] args = withToken(request).toArray(String[]::new);
    int exit;
    try {
      exit = cli.execute(args);
    } catch (RuntimeException e) {
      output.err().println("replayer: " + e);
      exit = 1;
    }
    output.finish(exit);
    log.printf(
        "replayer daemon: ran %s for a client via the CLI socket: exit %d in %d ms%n",
        request.args().get(0), exit, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  /**
   * Refuses a parsed {@code mount} that would serve the mount in the foreground (an option value
   * that looked like {@code --daemon} to the raw check): it would never return.
   */
  private int runIfStillADaemonRequest(ParseResult parsed) {
    ParseResult sub = parsed.subcommand();
    if (sub != null
        && sub.commandSpec().userObject() instanceof MountCommand mount
        && !mount.viaDaemon()
        && !sub.isUsageHelpRequested()
        && !sub.isVersionHelpRequested()) {
      parsed
          .commandSpec()
          .commandLine()
          .getErr()
          .println(
              "replayer mount: the daemon's CLI socket runs only mounts served by a daemon"
                  + " (--daemon or --daemon-socket)");
      return 2;
    }
    return new CommandLine.RunLast().execute(parsed);
  }

  /**
   * The arguments with the client's token as {@code --token} when they name none, so the daemon's
   * own {@code $TRACEFETCH_STORE_TOKEN} never stands in for the client's (an empty value means
   * none).
   */
  static List<String> withToken(ForwardedRequest request) {
    List<String> args = request.args();
    boolean named = args.stream().anyMatch(a -> a.equals("--token") || a.startsWith("--token="));
    if (named || !args.get(0).equals("mount")) {
      return args;
    }
    List<String> withToken = new ArrayList<>(args);
    withToken.add("--token=" + request.token());
    return withToken;
  }

  private static void respond(OutputStream out, int status, String message) throws IOException {
    byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
    out.write(
        ("HTTP/1.1 "
                + status
                + " "
                + reason(status)
                + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
                + body.length
                + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.flush();
  }

  private static String reason(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 411 -> "Length Required";
      case 413 -> "Content Too Large";
      case 431 -> "Request Header Fields Too Large";
      case 503 -> "Service Unavailable";
      default -> "Error";
    };
  }

  private static void closeQuietly(SocketChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      // Closing anyway.
    }
  }

  @Override
  public void close() throws IOException {
    try {
      server.close();
      acceptor.interrupt();
    } finally {
      workers.shutdown();
      timeouts.shutdownNow();
      Files.deleteIfExists(socket);
    }
  }
}
