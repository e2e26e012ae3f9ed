package dev.tracefetch.store.trace;

import dev.tracefetch.api.files.ContentDigest;
import dev.tracefetch.api.files.ReadLimits;
import dev.tracefetch.api.files.TraceFiles;
import dev.tracefetch.api.v1.Trace;
import dev.tracefetch.planner.TraceProfile;
import dev.tracefetch.planner.TraceProfileCodec;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;

/**
 * For {@code bench/trace-store}: the CPU one upload costs before any database work, on the path the
 * store takes (envelope + {@link ScannedTrace} + stored profile) and on the message-based path it
 * replaced (parse the {@code Trace} tree, {@code TraceProfile.of}, encode). Thread CPU time, so the
 * figures hold on a shared machine.
 */
public final class UploadPathCost {
  private UploadPathCost() {}

  /** Mean CPU milliseconds per file: {scan path, message path}, after one warm-up pass each. */
  public static double[] perUploadMillis(List<byte[]> files) throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    ReadLimits limits = ReadLimits.defaults();
    double[] result = new double[2];
    for (int round = 0; round < 2; round++) {
      long scanCpu = 0;
      long messageCpu = 0;
      for (byte[] file : files) {
        long c0 = threads.getCurrentThreadCpuTime();
        ScannedTrace scanned = ScannedTrace.scan(TraceFiles.readPayload(file, limits));
        scanned.metadata(file);
        scanned.profile("bench", 1);
        scanned.release();
        long c1 = threads.getCurrentThreadCpuTime();
        Trace trace = TraceFiles.read(file, limits);
        ContentDigest.of(file);
        TraceProfileCodec.encode(TraceProfile.of("bench", trace, 1));
        long c2 = threads.getCurrentThreadCpuTime();
        scanCpu += c1 - c0;
        messageCpu += c2 - c1;
      }
      result[0] = scanCpu / 1e6 / files.size();
      result[1] = messageCpu / 1e6 / files.size();
    }
    return result;
  }
}
