package dev.tracefetch.store.db;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private PostgreSQL cluster under a data directory, made from the host's PostgreSQL binaries, so
 * that {@code bin/trace-store} works with one command on a machine with no database set up.
 *
 * <p>Layout of the data directory: {@code pgdata/} (the cluster) and {@code superuser.password}
 * (readable only by the user running the store). The server listens on a free loopback port with
 * password authentication and no Unix socket; the port is chosen anew at each start. PostgreSQL
 * refuses to run as root, so when the store runs as root the cluster belongs to an unprivileged OS
 * user ({@code postgres} by default) and its commands run through {@code runuser}.
 *
 * <p>A cluster that is already running (left behind by a killed store, or started by another store
 * process on the same directory) is reused and then not stopped by {@link #close()}.
 */
public final class EmbeddedPostgres implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgres.class);
  private static final Path PG_LIB = Path.of("/usr/lib/postgresql");
  private static final String SUPERUSER = "tracestore";
  private static final String DATABASE = "trace_store";

  /**
   * How to run the cluster.
   *
   * @param dataDir where the cluster and its password live; created when missing
   * @param binDir PostgreSQL server binaries ({@code initdb}, {@code pg_ctl}); empty to pick the
   *     version matching an existing cluster, else the newest under /usr/lib/postgresql
   * @param osUser unprivileged OS user that owns and runs the cluster when the store runs as root
   * @param timeout how long starting or stopping may take
   */
  public record Settings(Path dataDir, Optional<Path> binDir, String osUser, Duration timeout) {}

  private final Settings settings;
  private final Path binDir;
  private final Path pgdata;
  private final boolean asRoot;
  private final String password;
  private final int port;
  private final boolean startedHere;

  private EmbeddedPostgres(
      Settings settings,
      Path binDir,
      boolean asRoot,
      String password,
      int port,
      boolean startedHere) {
    this.settings = settings;
    this.binDir = binDir;
    this.pgdata = settings.dataDir().resolve("pgdata");
    this.asRoot = asRoot;
    this.password = password;
    this.port = port;
    this.startedHere = startedHere;
  }

  /** Initialises the cluster if needed, starts it (or joins a running one) and creates the DB. */
  public static EmbeddedPostgres start(Settings settings) {
    Path dataDir = settings.dataDir().toAbsolutePath();
    Settings absolute =
        new Settings(dataDir, settings.binDir(), settings.osUser(), settings.timeout());
    Path pgdata = dataDir.resolve("pgdata");
    boolean asRoot = runningAsRoot();
    Path binDir = findBinDir(absolute.binDir(), pgdata);
    try {
      Files.createDirectories(dataDir);
      if (asRoot) {
        // The cluster's OS user must be able to enter the data directory (not list it).
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(dataDir);
        if (permissions.add(PosixFilePermission.OTHERS_EXECUTE)) {
          Files.setPosixFilePermissions(dataDir, permissions);
        }
      }
      Path passwordFile = dataDir.resolve("superuser.password");
      if (!Files.exists(pgdata.resolve("PG_VERSION"))) {
        initialise(absolute, binDir, asRoot, passwordFile);
      }
      if (!Files.isReadable(passwordFile)) {
        throw new EmbeddedPostgresException(
            "embedded PostgreSQL in "
                + dataDir
                + " has a cluster but no readable superuser.password; restore that file or remove"
                + " the directory to start afresh");
      }
      String password = Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
      Optional<Integer> runningPort = runningPort(absolute, binDir, asRoot, pgdata);
      EmbeddedPostgres pg;
      if (runningPort.isPresent()) {
        log.info(
            "embedded PostgreSQL already running dataDir={} port={}; reusing it",
            dataDir,
            runningPort.get());
        pg = new EmbeddedPostgres(absolute, binDir, asRoot, password, runningPort.get(), false);
      } else {
        int port = freeLoopbackPort();
        run(
            absolute,
            binDir,
            asRoot,
            "start PostgreSQL",
            bin(binDir, "pg_ctl"),
            "start",
            "-D",
            pgdata.toString(),
            "-w",
            "-t",
            String.valueOf(Math.max(1, absolute.timeout().toSeconds())),
            "-l",
            pgdata.resolve("trace-store-server.log").toString(),
            "-o",
            "-p " + port);
        log.info("embedded PostgreSQL started dataDir={} port={} bin={}", dataDir, port, binDir);
        pg = new EmbeddedPostgres(absolute, binDir, asRoot, password, port, true);
      }
      pg.createDatabaseIfMissing();
      return pg;
    } catch (IOException e) {
      throw new EmbeddedPostgresException(
          "cannot prepare embedded PostgreSQL in " + dataDir + ": " + e.getMessage(), e);
    }
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
  }

  public String username() {
    return SUPERUSER;
  }

  public String password() {
    return password;
  }

  public int port() {
    return port;
  }

  public Path dataDir() {
    return settings.dataDir();
  }

  /** True while the server of this data directory runs (whoever started it). */
  public boolean isRunning() {
    return runningPort(settings, binDir, asRoot, pgdata).isPresent();
  }

  /** Stops the server if this object started it. */
  @Override
  public void close() {
    if (!startedHere) {
      log.info("embedded PostgreSQL left running (not started here) dataDir={}", dataDir());
      return;
    }
    run(
        settings,
        binDir,
        asRoot,
        "stop PostgreSQL",
        bin(binDir, "pg_ctl"),
        "stop",
        "-D",
        pgdata.toString(),
        "-m",
        "fast",
        "-w",
        "-t",
        String.valueOf(Math.max(1, settings.timeout().toSeconds())));
    log.info("embedded PostgreSQL stopped dataDir={}", dataDir());
  }

  private void createDatabaseIfMissing() {
    String adminUrl = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    try (Connection c = DriverManager.getConnection(adminUrl, SUPERUSER, password);
        PreparedStatement exists =
            c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      exists.setString(1, DATABASE);
      try (ResultSet rs = exists.executeQuery()) {
        if (rs.next()) {
          return;
        }
      }
      try (Statement create = c.createStatement()) {
        // DATABASE is a constant identifier; CREATE DATABASE takes no parameters.
        create.execute("CREATE DATABASE " + DATABASE);
      }
    } catch (SQLException e) {
      throw new EmbeddedPostgresException(
          "cannot create database "
              + DATABASE
              + " in embedded PostgreSQL on port "
              + port
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private static void initialise(Settings settings, Path binDir, boolean asRoot, Path passwordFile)
      throws IOException {
    Path dataDir = settings.dataDir();
    Path pgdata = dataDir.resolve("pgdata");
    Optional<UserPrincipal> owner =
        asRoot ? Optional.of(osUser(settings.osUser())) : Optional.empty();
    byte[] secret = new byte[24];
    new SecureRandom().nextBytes(secret);
    String password = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    writePrivate(passwordFile, password);
    Files.createDirectories(pgdata);
    Files.setPosixFilePermissions(pgdata, PosixFilePermissions.fromString("rwx------"));
    // initdb reads the password from a file that its (possibly unprivileged) user can read.
    Path pwfile = dataDir.resolve(".initdb-password");
    writePrivate(pwfile, password);
    try {
      if (owner.isPresent()) {
        Files.setOwner(pgdata, owner.get());
        Files.setOwner(pwfile, owner.get());
        checkReachable(settings, pgdata);
      }
      log.info("initialising embedded PostgreSQL cluster dataDir={} bin={}", dataDir, binDir);
      run(
          settings,
          binDir,
          asRoot,
          "initialise PostgreSQL cluster",
          bin(binDir, "initdb"),
          "-D",
          pgdata.toString(),
          "-U",
          SUPERUSER,
          "--pwfile=" + pwfile,
          "--auth=scram-sha-256",
          "-E",
          "UTF8",
          "--no-locale");
    } finally {
      Files.deleteIfExists(pwfile);
    }
    Files.writeString(
        pgdata.resolve("postgresql.conf"),
        """

        # Added by trace-store: loopback TCP only (the port is given at each start), no socket.
        listen_addresses = '127.0.0.1'
        unix_socket_directories = ''
        """,
        StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);
  }

  private static void checkReachable(Settings settings, Path pgdata) {
    ProcessBuilder probe =
        new ProcessBuilder(
            "runuser", "-u", settings.osUser(), "--", "test", "-w", pgdata.toString());
    if (exitCode(probe, settings.timeout()) != 0) {
      throw new EmbeddedPostgresException(
          "the PostgreSQL OS user '"
              + settings.osUser()
              + "' cannot write "
              + pgdata
              + "; choose a data directory whose parent directories it can search"
              + " (property tracestore.embedded-db.data-dir)");
    }
  }

  private static Optional<Integer> runningPort(
      Settings settings, Path binDir, boolean asRoot, Path pgdata) {
    if (!Files.exists(pgdata.resolve("postmaster.pid"))) {
      return Optional.empty();
    }
    List<String> status =
        command(settings, asRoot, bin(binDir, "pg_ctl"), "status", "-D", pgdata.toString());
    if (exitCode(new ProcessBuilder(status).directory(pgdata.toFile()), settings.timeout()) != 0) {
      return Optional.empty();
    }
    try {
      // postmaster.pid, line 4: the port the server listens on.
      List<String> lines = Files.readAllLines(pgdata.resolve("postmaster.pid"));
      return lines.size() >= 4
          ? Optional.of(Integer.parseInt(lines.get(3).strip()))
          : Optional.empty();
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static Path findBinDir(Optional<Path> configured, Path pgdata) {
    if (configured.isPresent()) {
      Path dir = configured.get();
      if (!Files.isExecutable(dir.resolve("pg_ctl"))) {
        throw new EmbeddedPostgresException(
            "no pg_ctl in " + dir + " (property tracestore.embedded-db.bin-dir)");
      }
      return dir;
    }
    try {
      Path versionFile = pgdata.resolve("PG_VERSION");
      if (Files.exists(versionFile)) {
        String version = Files.readString(versionFile).strip();
        Path dir = PG_LIB.resolve(version).resolve("bin");
        if (!Files.isExecutable(dir.resolve("pg_ctl"))) {
          throw new EmbeddedPostgresException(
              "the cluster in "
                  + pgdata
                  + " is PostgreSQL "
                  + version
                  + " but "
                  + dir
                  + " has no pg_ctl; install postgresql-"
                  + version
                  + " or set tracestore.embedded-db.bin-dir");
        }
        return dir;
      }
      if (Files.isDirectory(PG_LIB)) {
        try (Stream<Path> versions = Files.list(PG_LIB)) {
          Optional<Path> newest =
              versions
                  .map(v -> v.resolve("bin"))
                  .filter(b -> Files.isExecutable(b.resolve("initdb")))
                  .max(Comparator.comparing(EmbeddedPostgres::majorVersion));
          if (newest.isPresent()) {
            return newest.get();
          }
        }
      }
    } catch (IOException e) {
      throw new EmbeddedPostgresException(
          "cannot look for PostgreSQL binaries: " + e.getMessage(), e);
    }
    throw new EmbeddedPostgresException(
        "no PostgreSQL server binaries found under "
            + PG_LIB
            + "/*/bin; install PostgreSQL (apt-get install postgresql), set"
            + " tracestore.embedded-db.bin-dir, or point TRACE_STORE_DB_URL at a database");
  }

  private static int majorVersion(Path binDir) {
    try {
      return Integer.parseInt(binDir.getParent().getFileName().toString());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String bin(Path binDir, String name) {
    return binDir.resolve(name).toString();
  }

  private static List<String> command(Settings settings, boolean asRoot, String... args) {
    List<String> command = new ArrayList<>();
    if (asRoot) {
      command.addAll(List.of("runuser", "-u", settings.osUser(), "--"));
    }
    command.addAll(List.of(args));
    return command;
  }

  private static void run(
      Settings settings, Path binDir, boolean asRoot, String action, String... args) {
    List<String> command = command(settings, asRoot, args);
    Path workDir = settings.dataDir().resolve("pgdata");
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory((Files.isDirectory(workDir) ? workDir : settings.dataDir()).toFile())
            .redirectErrorStream(true);
    pb.environment().remove("PGDATA");
    pb.environment().remove("PGPORT");
    try {
      Process process = pb.start();
      // pg_ctl start leaves the server running with the log on its own file; our pipe gets only
      // pg_ctl's messages and closes when pg_ctl exits.
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new EmbeddedPostgresException(
            "could not " + action + " in " + settings.dataDir() + " within " + settings.timeout());
      }
      if (process.exitValue() != 0) {
        throw new EmbeddedPostgresException(
            "could not "
                + action
                + " in "
                + settings.dataDir()
                + " (exit "
                + process.exitValue()
                + " from "
                + String.join(" ", command)
                + "): "
                + new String(output, StandardCharsets.UTF_8).strip()
                + serverLogHint(settings));
      }
    } catch (IOException e) {
      throw new EmbeddedPostgresException(
          "could not " + action + ": cannot run " + command.get(0) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmbeddedPostgresException("interrupted while trying to " + action, e);
    }
  }

  private static String serverLogHint(Settings settings) {
    Path serverLog = settings.dataDir().resolve("pgdata").resolve("trace-store-server.log");
    return Files.exists(serverLog) ? " (server log: " + serverLog + ")" : "";
  }

  private static int exitCode(ProcessBuilder pb, Duration timeout) {
    try {
      Process process = pb.redirectErrorStream(true).start();
      process.getInputStream().readAllBytes();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        return -1;
      }
      return process.exitValue();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static UserPrincipal osUser(String name) {
    try {
      return Path.of("/")
          .getFileSystem()
          .getUserPrincipalLookupService()
          .lookupPrincipalByName(name);
    } catch (IOException e) {
      throw new EmbeddedPostgresException(
          "trace-store runs as root, and PostgreSQL must not: it needs an unprivileged OS user '"
              + name
              + "' to own the embedded cluster (create it, e.g. by installing the postgresql"
              + " package, or set tracestore.embedded-db.os-user)",
          e);
    }
  }

  private static void writePrivate(Path file, String content) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }

  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** True when this process runs with uid 0. */
  public static boolean runningAsRoot() {
    try {
      return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (IOException | UnsupportedOperationException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }
}
