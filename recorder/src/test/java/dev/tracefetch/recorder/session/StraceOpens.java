package dev.tracefetch.recorder.session;

import dev.tracefetch.fs.remote.RegistryImageMount;
import dev.tracefetch.oci.image.ImageReference;
import dev.tracefetch.oci.registry.RegistryClient;
import dev.tracefetch.recorder.sandbox.BwrapCommand;
import dev.tracefetch.recorder.sandbox.SandboxSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The files a start opens according to {@code strace -f -e trace=open,openat,execve}, run on the
 * same sandbox command line the recorder uses: the independent witness the recorder is checked
 * against. Only the application's processes count (those that exec'd inside the sandbox), and an
 * exec'd program counts as opened under the path it resolves to in the image.
 */
final class StraceOpens {
  private static final Pattern LINE =
      Pattern.compile("^(\\d+)\\s+(open|openat|execve)\\((?:AT_FDCWD, )?\"([^\"]*)\".*= (-?\\d+)");

  private StraceOpens() {}

  static Set<String> of(String image, List<String> argv, Path temp) throws Exception {
    Path work = Files.createTempDirectory(temp, "strace-");
    Path mnt = Files.createDirectories(work.resolve("mnt"));
    Path log = work.resolve("strace.log");
    ImageReference ref = ImageReference.parse(image);
    try (RegistryClient client = RegistryClient.builder(ref.registry()).build();
        RegistryImageMount m =
            RegistryImageMount.open(
                RegistryClient.builder(ref.registry()).build(),
                ref,
                mnt,
                new RegistryImageMount.Settings(
                    Files.createDirectories(work.resolve("cache")),
                    1L << 30,
                    Duration.ofSeconds(20)),
                UnaryOperator.identity())) {
      Path scratch = Files.createDirectories(work.resolve("scratch"));
      SandboxSpec spec =
          new SandboxSpec(
              argv, List.of("PATH=/bin"), "/", OptionalInt.empty(), OptionalInt.empty());
      List<String> cmd =
          new java.util.ArrayList<>(
              List.of(
                  "strace", "-f", "-qq", "-o", log.toString(), "-e", "trace=open,openat,execve"));
      cmd.addAll(BwrapCommand.build(spec, m.mountPoint(), scratch));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("strace run did not finish");
      }
      Set<String> opened = new HashSet<>();
      boolean started = false;
      boolean bwrap = false;
      for (String line : Files.readAllLines(log)) {
        Matcher mt = LINE.matcher(line);
        if (!mt.find()) {
          continue;
        }
        String call = mt.group(2);
        String path = mt.group(3);
        boolean ok = Long.parseLong(mt.group(4)) >= 0;
        // Before the application's first exec, unshare, the host shell and bwrap run host
        // binaries and open host paths; from that exec on, everything happens in the sandbox.
        if (call.equals("execve") && ok && path.endsWith("/bwrap")) {
          bwrap = true;
        } else if (bwrap && !started && call.equals("execve") && ok && path.equals(argv.get(0))) {
          started = true;
        }
        if (started
            && ok
            && path.startsWith("/")
            && !path.startsWith("/proc/")
            && !path.startsWith("/dev/")
            && !path.startsWith("/tmp/")) {
          opened.add(resolve(m.mountPoint(), path));
        }
      }
      return opened;
    } finally {
      try (var paths = Files.walk(work)) {
        for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static String resolve(Path root, String path) throws Exception {
    Path real = root.resolve(path.substring(1)).toRealPath();
    return "/" + root.toRealPath().relativize(real);
  }
}
