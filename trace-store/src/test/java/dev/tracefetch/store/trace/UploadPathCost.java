package dev.tracefetch.store.trace;

import dev.tracefetch.api.files.ContentDigest;
import dev.tracefetch.api.files.ReadLimits;
import dev.tracefetch.api.files.TraceFiles;
import dev.tracefetch.api.v1.Trace;
import dev.tracefetch.planner.ChunkDigestTable;
import dev.tracefetch.planner.ExtractedProfile;
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
    return perUploadMillis(files, new double[4]);
  }

  /**
   * As {@link #perUploadMillis(List)}, also filling {@code phases} with the scan path's parts:
   * envelope (zstd), scan, metadata (content digest), profile against the image's digest table
   * (filled from the first file, as on a store that has seen the image).
   */
  public static double[] perUploadMillis(List<byte[]> files, double[] phases) throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    ReadLimits limits = ReadLimits.defaults();
    ChunkDigestTable image = new ChunkDigestTable();
    ScannedTrace first = ScannedTrace.scan(TraceFiles.readPayload(files.get(0), limits));
    ExtractedProfile seed = first.profile("seed", 1, image);
    first.release();
    image.addAll(seed.newKeys(), seed.newDigests(), seed.newKeys().length);
    double[] result = new double[2];
    for (int round = 0; round < 2; round++) {
      long scanCpu = 0;
      long messageCpu = 0;
      long[] phaseCpu = new long[4];
      for (byte[] file : files) {
        long c0 = threads.getCurrentThreadCpuTime();
        byte[] payload = TraceFiles.readPayload(file, limits);
        long p1 = threads.getCurrentThreadCpuTime();
        ScannedTrace scanned = ScannedTrace.scan(payload);
        long p2 = threads.getCurrentThreadCpuTime();
        scanned.metadata(file);
        long p3 = threads.getCurrentThreadCpuTime();
        scanned.profile("bench", 1, image);
        scanned.release();
        long c1 = threads.getCurrentThreadCpuTime();
        phaseCpu[0] += p1 - c0;
        phaseCpu[1] += p2 - p1;
        phaseCpu[2] += p3 - p2;
        phaseCpu[3] += c1 - p3;
        Trace trace = TraceFiles.read(file, limits);
        ContentDigest.of(file);
        TraceProfileCodec.encode(TraceProfile.of("bench", trace, 1));
        long c2 = threads.getCurrentThreadCpuTime();
        scanCpu += c1 - c0;
        messageCpu += c2 - c1;
      }
      for (int i = 0; i < 4; i++) {
        phases[i] = phaseCpu[i] / 1e6 / files.size();
      }
      result[0] = scanCpu / 1e6 / files.size();
      result[1] = messageCpu / 1e6 / files.size();
    }
    return result;
  }
}
