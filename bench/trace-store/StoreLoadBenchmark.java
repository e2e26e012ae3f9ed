import dev.tracefetch.store.plan.PlanRecomputer;
import dev.tracefetch.store.support.Http;
import dev.tracefetch.store.support.TestPostgres;
import dev.tracefetch.store.support.TestStores;
import dev.tracefetch.store.support.TestTraces;
import dev.tracefetch.store.trace.UploadPathCost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Load on a running trace-store (see the trace-store section of the top-level README): concurrent
 * uploads of distinct 20,000-event traces of one app and image, then concurrent fetches of that
 * image's cached plan. Client and server share the machine. Not a test: it prints figures. Run it
 * with {@code bench/trace-store/run}.
 *
 * <p>Arguments: [uploads] [events per trace] [clients] [plan-fetch seconds] [warm-up uploads]
 *
 * <p>Warm-up uploads (default 0) go to another app before the measured ingest, so that the JIT has
 * compiled the upload and ranking paths: the C2 compiler threads otherwise take about a fifth of
 * the JVM's CPU during a 1,000-upload ingest, which a sustained load would not pay.
 */
public final class StoreLoadBenchmark {
  private static final String ADMIN = "bench-admin-token-0123456789abcdef";

  public static void main(String[] args) throws Exception {
    int uploads = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int events = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    int clients = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    int planSeconds = args.length > 3 ? Integer.parseInt(args[3]) : 20;
    int warmUps = args.length > 4 ? Integer.parseInt(args[4]) : 3000;

    System.out.printf(
        Locale.ROOT,
        "uploads=%d events/trace=%d clients=%d warm-up uploads=%d cores=%d java %s%n",
        uploads, events, clients, warmUps, Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"));

    // Distinct files: one generated start, varied per upload in its last events and its host.
    long genStart = System.nanoTime();
    var base = TestTraces.large("bench", TestTraces.IMAGE_A, 1, events);
    List<byte[]> files = new ArrayList<>(uploads);
    long totalBytes = 0;
    for (int i = 0; i < uploads; i++) {
      var variant = TestTraces.large("bench", TestTraces.IMAGE_A, 1000 + i, 64);
      var trace = base.toBuilder();
      for (int e = 0; e < 64; e++) {
        trace.setEvents(events - 64 + e, variant.getEvents(e));
      }
      trace.getContextBuilder().setHost("node-" + i);
      byte[] file = TestTraces.file(trace.build());
      totalBytes += file.length;
      files.add(file);
    }
    System.out.printf(
        Locale.ROOT,
        "generated %d trace files, mean %.0f KiB, in %.1f s%n",
        uploads, totalBytes / 1024.0 / uploads, (System.nanoTime() - genStart) / 1e9);

    // CPU of one upload before any database work: the store's scan path vs the message path it
    // replaced (thread CPU time of this thread, so it holds on a loaded machine).
    double[] phases = new double[4];
    double[] pathCost =
        UploadPathCost.perUploadMillis(files.subList(0, Math.min(100, uploads)), phases);
    System.out.printf(
        Locale.ROOT,
        "per-upload CPU before the database: scan path %.1f ms, message path (before) %.1f ms%n",
        pathCost[0],
        pathCost[1]);
    System.out.printf(
        Locale.ROOT,
        "  scan path: envelope %.2f ms, scan %.2f ms, metadata %.2f ms, profile %.2f ms%n",
        phases[0],
        phases[1],
        phases[2],
        phases[3]);
    metric("trace_store_upload_parse_cpu", pathCost[0], "ms", "scan + validate + profile, one trace");
    metric(
        "trace_store_upload_parse_cpu_message_path",
        pathCost[1],
        "ms",
        "parse Trace + TraceProfile.of + encode, one trace");

    TestPostgres.Database db = TestPostgres.freshDatabase("bench");
    try (ConfigurableApplicationContext store =
        TestStores.start(db, ADMIN, "--logging.level.root=warn")) {
      Http http = TestStores.http(store);
      // Warm-up: JIT, pools, plan cache.
      for (int i = 0; i < 3; i++) {
        http.get("/api/v1/apps", ADMIN);
      }
      if (warmUps > 0) {
        warmUp(http, base, events, warmUps, clients);
        store.getBean(PlanRecomputer.class).awaitIdle(Duration.ofMinutes(30));
      }

      AtomicInteger next = new AtomicInteger();
      int port =
          ((org.springframework.boot.web.context.WebServerApplicationContext) store)
              .getWebServer()
              .getPort();
      List<LeanHttp> connections = java.util.Collections.synchronizedList(new ArrayList<>());
      ThreadLocal<LeanHttp> lean =
          ThreadLocal.withInitial(
              () -> {
                LeanHttp c = new LeanHttp(port, ADMIN);
                connections.add(c);
                return c;
              });
      com.sun.management.OperatingSystemMXBean os =
          (com.sun.management.OperatingSystemMXBean)
              java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      System.out.println("load average before ingest: " + loadAverage());
      java.util.Map<String, Long> threadCpuBefore = threadCpu();
      long faultsBefore = minorFaults();
      boolean statements = resetStatementStats(db);
      long[] machineBefore = machineTicks();
      long postgresBefore = postgresTicks();
      long ingestCpu = os.getProcessCpuTime();
      long ingestStart = System.nanoTime();
      long[] uploadLatencies =
          run(clients, () -> {
            int i = next.getAndIncrement();
            if (i >= uploads) {
              return -1;
            }
            long t0 = System.nanoTime();
            LeanHttp.Response r = lean.get().post("/api/v1/traces", files.get(i));
            if (r.status() != 201) {
              throw new IllegalStateException("upload " + i + ": " + r.status() + " " + r.text());
            }
            return System.nanoTime() - t0;
          });
      double ingestSeconds = (System.nanoTime() - ingestStart) / 1e9;
      for (LeanHttp c : connections) {
        c.close();
      }
      double cpuPerUpload = (os.getProcessCpuTime() - ingestCpu) / 1e6 / uploadLatencies.length;
      java.util.Map<String, Long> threadCpuAfter = threadCpu();
      long[] machineAfter = machineTicks();
      long postgresAfter = postgresTicks();
      System.out.println("load average after ingest: " + loadAverage());
      report("upload", uploadLatencies, ingestSeconds);
      // CPU is the figure that survives a shared machine: wall-clock rates depend on the load.
      System.out.printf(
          Locale.ROOT,
          "  JVM CPU per upload (server incl. background ranking, plus the plain-socket load"
              + " client): %.1f ms%n",
          cpuPerUpload);
      printThreadCpu(threadCpuBefore, threadCpuAfter, uploadLatencies.length);
      // Where the rest of the machine went: PostgreSQL's processes, and how idle the cores were
      // (idle left over means the clients, not the CPU, set the rate).
      System.out.printf(
          Locale.ROOT,
          "  PostgreSQL CPU per upload (all postgres processes): %.1f ms%n",
          (postgresAfter - postgresBefore) * 10.0 / uploadLatencies.length);
      long busy = machineAfter[0] - machineBefore[0];
      long idle = machineAfter[1] - machineBefore[1];
      System.out.printf(
          Locale.ROOT,
          "  machine: %.1f ms CPU per upload, cores %.0f%% busy during ingest%n",
          busy * 10.0 / uploadLatencies.length,
          100.0 * busy / Math.max(1, busy + idle));
      if (statements) {
        printStatementStats(db, uploadLatencies.length);
      }
      System.out.printf(
          Locale.ROOT,
          "  minor page faults per upload (fresh memory the JVM touches): %.0f%n",
          (double) (minorFaults() - faultsBefore) / uploadLatencies.length);
      String shape = uploads + " distinct " + events + "-event traces, " + clients + " clients";
      metric("trace_store_ingest_rate", uploadLatencies.length / ingestSeconds, "uploads/s", shape);
      metric("trace_store_ingest_p99", pct(uploadLatencies, 0.99), "ms", shape);
      metric("trace_store_ingest_jvm_cpu_per_upload", cpuPerUpload, "ms", shape);
      System.out.printf(
          Locale.ROOT, "  ingest: %.1f MiB/s of trace files%n", totalBytes / 1048576.0 / ingestSeconds);

      long settleStart = System.nanoTime();
      store.getBean(PlanRecomputer.class).awaitIdle(Duration.ofMinutes(30));
      System.out.printf(
          Locale.ROOT,
          "plan settled %.1f s after the last upload%n",
          (System.nanoTime() - settleStart) / 1e9);

      String planPath = "/api/v1/apps/bench/images/" + TestTraces.IMAGE_A + "/plan";
      Http.Response plan = http.get(planPath, ADMIN, "application/x-protobuf");
      System.out.printf(
          Locale.ROOT,
          "plan: %d bytes, version %s%n",
          plan.body().length,
          plan.headers().firstValue("Tracefetch-Plan-Version").orElse("?"));
      long deadline = System.nanoTime() + Duration.ofSeconds(planSeconds).toNanos();
      long fetchStart = System.nanoTime();
      long[] fetchLatencies =
          run(clients, () -> {
            if (System.nanoTime() > deadline) {
              return -1;
            }
            long t0 = System.nanoTime();
            Http.Response r = http.get(planPath, ADMIN, "application/x-protobuf");
            if (r.status() != 200) {
              throw new IllegalStateException("plan fetch: " + r.status() + " " + r.text());
            }
            return System.nanoTime() - t0;
          });
      double fetchSeconds = (System.nanoTime() - fetchStart) / 1e9;
      report("plan fetch", fetchLatencies, fetchSeconds);
      String planShape =
          "cached plan of " + plan.body().length + " bytes, " + clients + " JDK HttpClient clients";
      metric("trace_store_plan_rate", fetchLatencies.length / fetchSeconds, "requests/s", planShape);
      metric("trace_store_plan_p99", pct(fetchLatencies, 0.99), "ms", planShape);
      apacheBench(http, planPath, clients, planSeconds);
    }
  }

  /**
   * The same plan fetches with ApacheBench when it is installed (apache2-utils): a C client takes
   * far less of the shared CPU than the JDK client, so this is closer to what the server can do.
   */
  private static void apacheBench(Http http, String planPath, int clients, int seconds)
      throws Exception {
    boolean present =
        Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
            .anyMatch(dir -> Files.isExecutable(Path.of(dir, "ab")));
    if (!present) {
      System.out.println("ab (apache2-utils) not installed: skipping the ApacheBench run");
      return;
    }
    String url = http.request(planPath, null).build().uri().toString();
    Process ab =
        new ProcessBuilder(
                "ab", "-k", "-q", "-c", String.valueOf(clients), "-t", String.valueOf(seconds),
                "-n", "10000000", "-H", "Authorization: Bearer " + ADMIN,
                "-H", "Accept: application/x-protobuf", url)
            .redirectErrorStream(true)
            .start();
    String out = new String(ab.getInputStream().readAllBytes());
    ab.waitFor();
    System.out.println("plan fetch with ApacheBench (-k -c " + clients + "):");
    out.lines()
        .filter(
            l ->
                l.startsWith("Complete requests")
                    || l.startsWith("Failed requests")
                    || l.startsWith("Non-2xx")
                    || l.startsWith("Requests per second")
                    || l.matches("\\s+(50|95|99|100)%.*"))
        .forEach(l -> System.out.println("  " + l.strip()));
    String shape = "cached plan, ApacheBench -k -c " + clients;
    out.lines()
        .filter(l -> l.startsWith("Requests per second"))
        .forEach(l -> metric("trace_store_plan_rate_ab", number(l), "requests/s", shape));
    out.lines()
        .filter(l -> l.matches("\\s+99%.*"))
        .forEach(l -> metric("trace_store_plan_p99_ab", number(l.strip().substring(3)), "ms", shape));
  }

  /** Uploads {@code count} distinct traces of app "warm-up" with {@code clients} clients. */
  private static void warmUp(
      Http http, dev.tracefetch.api.v1.Trace base, int events, int count, int clients)
      throws Exception {
    long start = System.nanoTime();
    AtomicInteger next = new AtomicInteger();
    run(clients, () -> {
      int i = next.getAndIncrement();
      if (i >= count) {
        return -1;
      }
      var trace = base.toBuilder().setApp("warm-up");
      trace.getContextBuilder().setHost("warm-up-" + i);
      trace.getEventsBuilder(events - 1).setTimeOffsetMicros(base.getEvents(events - 1)
          .getTimeOffsetMicros() + i);
      Http.Response r = http.upload(TestTraces.file(trace.build()), ADMIN);
      if (r.status() != 201) {
        throw new IllegalStateException("warm-up upload " + i + ": " + r.status() + " " + r.text());
      }
      return 0;
    });
    System.out.printf(
        Locale.ROOT, "warm-up: %d uploads in %.1f s%n", count, (System.nanoTime() - start) / 1e9);
  }

  /**
   * CPU ticks of this JVM's threads (Java and VM threads alike: GC, JIT compiler) from {@code
   * /proc/self/task}, by thread group (name with digits removed), so that the CPU per upload can be
   * split into server, client, ranking, GC and JIT. Threads that ended in between are missing.
   */
  private static java.util.Map<String, Long> threadCpu() {
    java.util.Map<String, Long> ticks = new java.util.TreeMap<>();
    try (var tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          // utime and stime, packed in one long (system time in the upper half)
          long t = Long.parseLong(f[11]) + (Long.parseLong(f[12]) << 32);
          ticks.merge(task.getFileName() + " " + name, t, Long::sum);
        } catch (java.io.IOException | RuntimeException e) {
          // the thread ended meanwhile
        }
      }
    } catch (java.io.IOException e) {
      return ticks;
    }
    return ticks;
  }

  /**
   * Resets pg_stat_statements when the server preloads it (bench/trace-store/run asks for that), so
   * the ingest's statements can be listed by the time PostgreSQL spent on them.
   */
  private static boolean resetStatementStats(TestPostgres.Database db) {
    try (var c = java.sql.DriverManager.getConnection(db.url(), db.user(), db.password());
        var s = c.createStatement()) {
      s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
      s.execute("SELECT pg_stat_statements_reset()");
      return true;
    } catch (java.sql.SQLException e) {
      System.out.println("  (no pg_stat_statements: " + e.getMessage().lines().findFirst().orElse("") + ")");
      return false;
    }
  }

  private static void printStatementStats(TestPostgres.Database db, int uploads) {
    try (var c = java.sql.DriverManager.getConnection(db.url(), db.user(), db.password());
        var s = c.createStatement();
        var r =
            s.executeQuery(
                """
                SELECT calls, total_exec_time, wal_bytes, left(regexp_replace(query, '\\s+', ' ', 'g'), 90)
                  FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 8
                """)) {
      try (var sizes =
          c.createStatement()
              .executeQuery(
                  "SELECT avg(octet_length(file_bytes)), avg(octet_length(profile)) FROM traces")) {
        sizes.next();
        System.out.printf(
            Locale.ROOT,
            "  stored per trace: file %.0f KiB, profile %.0f KiB%n",
            sizes.getDouble(1) / 1024,
            sizes.getDouble(2) / 1024);
      }
      System.out.println("  PostgreSQL time per upload by statement (ms, calls per upload, WAL KiB per upload):");
      while (r.next()) {
        System.out.printf(
            Locale.ROOT,
            "    %6.2f ms %6.2f calls %7.1f KiB  %s%n",
            r.getDouble(2) / uploads,
            r.getDouble(1) / uploads,
            r.getDouble(3) / 1024 / uploads,
            r.getString(4));
      }
    } catch (java.sql.SQLException e) {
      System.out.println("  (pg_stat_statements unreadable: " + e.getMessage() + ")");
    }
  }

  /** Busy and idle (incl. iowait) ticks of the whole machine so far, from {@code /proc/stat}. */
  private static long[] machineTicks() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      long all = 0;
      for (int i = 1; i <= 8 && i < f.length; i++) {
        all += Long.parseLong(f[i]);
      }
      return new long[] {all - idle, idle};
    } catch (java.io.IOException | RuntimeException e) {
      return new long[2];
    }
  }

  /** User + system ticks of the live processes named {@code postgres}, or 0 if unknown. */
  private static long postgresTicks() {
    long ticks = 0;
    try (var procs = Files.list(Path.of("/proc"))) {
      for (Path proc : (Iterable<Path>) procs::iterator) {
        if (!proc.getFileName().toString().chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          String stat = Files.readString(proc.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          if (name.startsWith("postgres")) {
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
          }
        } catch (java.io.IOException | RuntimeException e) {
          // the process ended meanwhile
        }
      }
    } catch (java.io.IOException e) {
      return 0;
    }
    return ticks;
  }

  /** Minor page faults of this process so far ({@code /proc/self/stat}), or 0 if unknown. */
  private static long minorFaults() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[7]);
    } catch (java.io.IOException | RuntimeException e) {
      return 0;
    }
  }

  private static void printThreadCpu(
      java.util.Map<String, Long> before, java.util.Map<String, Long> after, int uploads) {
    java.util.Map<String, Long> groups = new java.util.TreeMap<>();
    after.forEach(
        (key, t) -> {
          String name = key.substring(key.indexOf(' ') + 1).replaceAll("[0-9]+", "#");
          long b = before.getOrDefault(key, 0L);
          long user = (t & 0xffffffffL) - (b & 0xffffffffL);
          long system = (t >> 32) - (b >> 32);
          groups.merge(name, user + (system << 32), Long::sum);
        });
    double msPerTick = 10; // USER_HZ is 100 on Linux
    System.out.println(
        "  JVM CPU per upload by thread group (ms, user + system, from /proc/self/task):");
    java.util.function.ToLongFunction<Long> total = t -> (t & 0xffffffffL) + (t >> 32);
    groups.entrySet().stream()
        .filter(e -> total.applyAsLong(e.getValue()) > 0)
        .sorted(
            java.util.Comparator.comparingLong(
                (java.util.Map.Entry<String, Long> e) -> -total.applyAsLong(e.getValue())))
        .limit(10)
        .forEach(
            e ->
                System.out.printf(
                    Locale.ROOT,
                    "    %-24s %6.2f = %5.2f + %5.2f%n",
                    e.getKey(),
                    total.applyAsLong(e.getValue()) * msPerTick / uploads,
                    (e.getValue() & 0xffffffffL) * msPerTick / uploads,
                    (e.getValue() >> 32) * msPerTick / uploads));
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).strip();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  /** The first number in {@code line}. */
  private static double number(String line) {
    var m = java.util.regex.Pattern.compile("[0-9]+(\\.[0-9]+)?").matcher(line);
    return m.find() ? Double.parseDouble(m.group()) : Double.NaN;
  }

  /** One metric as a JSON line, the format bench/components/*.sh report in. */
  private static void metric(String name, double value, String unit, String note) {
    System.out.printf(
        Locale.ROOT,
        "{\"metric\": \"%s\", \"value\": %.1f, \"unit\": \"%s\", \"note\": \"%s\"}%n",
        name,
        value,
        unit,
        note);
  }

  interface Step {
    /** One request's latency in nanoseconds, or -1 when there is nothing left to do. */
    long run() throws Exception;
  }

  /**
   * The upload client: HTTP/1.1 with keep-alive on a plain socket, one connection per client
   * thread. Client and server share the two cores, and the JDK HttpClient spent about 1.5 ms of CPU
   * per upload (a tenth of the machine's share per upload), which the server would otherwise be
   * charged for; this client spends a few hundredths of that, as ApacheBench does for plan fetches.
   */
  static final class LeanHttp implements AutoCloseable {
    record Response(int status, byte[] body) {
      String text() {
        return new String(body, java.nio.charset.StandardCharsets.UTF_8);
      }
    }

    private final String token;
    private final int port;
    private java.net.Socket socket;
    private java.io.BufferedInputStream in;
    private java.io.OutputStream out;

    LeanHttp(int port, String token) {
      this.port = port;
      this.token = token;
    }

    /** Connects when there is no open connection (Tomcat closes one after 100 requests). */
    private void connect() throws java.io.IOException {
      if (socket == null) {
        socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port);
        socket.setTcpNoDelay(true);
        in = new java.io.BufferedInputStream(socket.getInputStream(), 16 * 1024);
        out = socket.getOutputStream();
      }
    }

    Response post(String path, byte[] body) throws java.io.IOException {
      connect();
      String head =
          "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
              + "\r\nAuthorization: Bearer " + token
              + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + body.length
              + "\r\n\r\n";
      out.write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      String status = line();
      int code = Integer.parseInt(status.split(" ")[1]);
      long length = -1;
      boolean chunked = false;
      boolean closing = false;
      for (String h; !(h = line()).isEmpty(); ) {
        String lower = h.toLowerCase(Locale.ROOT);
        if (lower.startsWith("content-length:")) {
          length = Long.parseLong(h.substring(15).trim());
        } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
          chunked = true;
        }
        closing |= lower.startsWith("connection:") && lower.contains("close");
      }
      java.io.ByteArrayOutputStream content = new java.io.ByteArrayOutputStream();
      if (chunked) {
        for (int n; (n = Integer.parseInt(line().split(";")[0].trim(), 16)) > 0; ) {
          content.write(in.readNBytes(n));
          line();
        }
        while (!line().isEmpty()) {
          // trailers
        }
      } else if (length >= 0) {
        content.write(in.readNBytes((int) length));
      } else {
        throw new java.io.IOException("response without length: " + status);
      }
      if (closing) {
        close();
      }
      return new Response(code, content.toByteArray());
    }

    private String line() throws java.io.IOException {
      StringBuilder b = new StringBuilder();
      for (int c; (c = in.read()) != '\n'; ) {
        if (c < 0) {
          throw new java.io.EOFException("connection closed");
        }
        if (c != '\r') {
          b.append((char) c);
        }
      }
      return b.toString();
    }

    @Override
    public void close() throws java.io.IOException {
      if (socket != null) {
        socket.close();
        socket = null;
      }
    }
  }

  private static long[] run(int clients, Step step) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<List<Long>>> futures = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        futures.add(
            pool.submit(
                () -> {
                  List<Long> mine = new ArrayList<>();
                  for (long nanos; (nanos = step.run()) >= 0; ) {
                    mine.add(nanos);
                  }
                  return mine;
                }));
      }
      List<Long> all = new ArrayList<>();
      for (Future<List<Long>> f : futures) {
        all.addAll(f.get());
      }
      return all.stream().mapToLong(Long::longValue).sorted().toArray();
    } finally {
      pool.shutdownNow();
    }
  }

  private static void report(String what, long[] sorted, double seconds) {
    System.out.printf(
        Locale.ROOT,
        "%s: %d requests in %.1f s = %.0f/s; latency p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms%n",
        what,
        sorted.length,
        seconds,
        sorted.length / seconds,
        pct(sorted, 0.50),
        pct(sorted, 0.95),
        pct(sorted, 0.99),
        sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6);
  }

  private static double pct(long[] sorted, double q) {
    if (sorted.length == 0) {
      return 0;
    }
    int i = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
    return sorted[Math.max(0, i)] / 1e6;
  }

  private StoreLoadBenchmark() {}
}
