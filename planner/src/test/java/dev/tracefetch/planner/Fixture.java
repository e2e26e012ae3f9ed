package dev.tracefetch.planner;

import java.util.ArrayList;
import java.util.List;

/** A small synthetic app: profiles of normal starts and planted outliers. */
final class Fixture {
  static final SyntheticTraces.Shape SHAPE =
      new SyntheticTraces.Shape(300, 800, 3_000_000, 0.1, 0.03, 0.02);

  final SyntheticImage image;
  final SyntheticTraces traces;

  Fixture(long seed) {
    this.image = SyntheticImage.generate(seed, 4, 300);
    this.traces = new SyntheticTraces(image, SHAPE, seed + 1);
  }

  TraceProfile normal(int i) {
    try {
      return TraceProfile.of("normal-" + String.format("%03d", i), traces.normal(i), 0);
    } catch (InvalidTraceException e) {
      throw new AssertionError(e);
    }
  }

  TraceProfile outlier(int i) {
    try {
      return TraceProfile.of("outlier-" + i, traces.outlier(i), 0);
    } catch (InvalidTraceException e) {
      throw new AssertionError(e);
    }
  }

  List<TraceProfile> normals(int n) {
    List<TraceProfile> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(normal(i));
    }
    return list;
  }
}
