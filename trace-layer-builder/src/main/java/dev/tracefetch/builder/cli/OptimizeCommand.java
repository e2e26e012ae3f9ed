package dev.tracefetch.builder.cli;

import dev.tracefetch.builder.convert.ConversionListener;
import dev.tracefetch.builder.convert.ConversionResult;
import dev.tracefetch.builder.convert.ConvertedLayer;
import dev.tracefetch.builder.convert.ImageConverter;
import dev.tracefetch.builder.convert.LayerAction;
import dev.tracefetch.builder.layer.TraceLayer;
import dev.tracefetch.builder.optimize.FileOrder;
import dev.tracefetch.builder.plan.BuiltPlan;
import dev.tracefetch.builder.plan.IndexedImage;
import dev.tracefetch.builder.transfer.ImageEndpoint;
import dev.tracefetch.oci.image.ImageSource;
import dev.tracefetch.planner.RankingSettings;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code trace-layer-builder optimize}: rewrites the eStargz layers so that the files a start reads
 * come first, in first-access order, followed by {@code .prefetch.landmark}.
 */
@Command(
    name = "optimize",
    mixinStandardHelpOptions = true,
    description = {
      "Push IMAGE as DST with its eStargz layers reordered: the files the traced start reads come"
          + " first in each layer, in first-access order, followed by .prefetch.landmark"
          + " (.no.prefetch.landmark in a layer with none), so a node fetches a layer's start-up"
          + " set with one or a few large range requests. Layers without traced files keep their"
          + " digests. The result stays a valid eStargz (and tar.gz) image.",
      "Plans for IMAGE do not fit DST (offsets move): build them for DST, or let the store map"
          + " them by path and content digest.",
    },
    footer = {"", "Exit codes: 0 pushed, 1 failure (DST not changed), 2 usage error."})
final class OptimizeCommand extends BuilderCommand {
  /** Settings that keep every chunk its own range, so each file keeps its own first access. */
  static final RankingSettings PER_CHUNK =
      RankingSettings.builder().gapThresholdBytes(0).maxRangeBytes(1).build();

  @Option(
      names = "--image",
      required = true,
      paramLabel = "REF",
      converter = ImageSourceConverter.class,
      description = "eStargz image to optimize (see 'convert').")
  ImageSource image;

  @Mixin TraceSourceOptions traces;

  @Option(
      names = "--push",
      required = true,
      paramLabel = "DST",
      converter = ImageSourceConverter.class,
      description = "Where to push the result (host/repo:tag or oci:DIR[:TAG]).")
  ImageSource push;

  @Option(
      names = "--temp-dir",
      paramLabel = "DIR",
      description = "Where layers are spooled while rewriting (default: the system temp dir).")
  Path tempDir;

  @Override
  String name() {
    return "trace-layer-builder optimize";
  }

  @Override
  int steps() {
    return 2;
  }

  /** Conversion progress counted after the {@code done} steps of reading and planning. */
  private static ConversionListener afterSteps(int done, Run run) {
    ConversionListener progress = new ConvertCommand.Progress(run.progress, run.err);
    return new ConversionListener() {
      @Override
      public void started(String source, int layers, long bytes) {
        progress.started(source, layers, bytes);
        run.progress.totalSteps(done + layers);
      }

      @Override
      public void bytesTransferred(long n) {
        progress.bytesTransferred(n);
      }

      @Override
      public void bytesAdded(long n) {
        progress.bytesAdded(n);
      }

      @Override
      public void layerDone(ConvertedLayer layer) {
        progress.layerDone(layer);
      }

      @Override
      public void warning(String message) {
        progress.warning(message);
      }
    };
  }

  @Override
  Map<String, Object> execute(Run run) throws Exception {
    var source = traces.source();
    ImageEndpoint from = run.openForReading(image);
    ImageEndpoint to = run.openForWriting(push);
    IndexedImage input = run.load(from);
    run.progress.totalSteps(steps() + input.layers().size());
    for (int i = 0; i < input.layers().size(); i++) {
      if (TraceLayer.isTraceLayer(input.layers().get(i))) {
        throw new UsageException(
            input.name()
                + " has a trace layer (layer "
                + i
                + "), whose plan reordering would make stale; run strip-layer first and"
                + " build-layer on the optimized image");
      }
    }
    BuiltPlan plan = run.plan(input, from, source, traces.recordedOn, PER_CHUNK);
    Map<Integer, List<String>> order = FileOrder.of(plan.plan(), input);
    Set<Integer> stale = new HashSet<>();
    for (int i = 0; i < input.layers().size(); i++) {
      if (!order.containsKey(i)
          && input.index(i).map(x -> x.prefetchLandmarkOffset().isPresent()).orElse(false)) {
        stale.add(i); // prioritized by an earlier run: back to .no.prefetch.landmark
      }
    }
    ImageConverter.Builder converter =
        ImageConverter.builder()
            .prioritizedFilesByLayer(order)
            .rewriteLayers(stale)
            .platform(registry.platformOrHost());
    if (tempDir != null) {
      converter.tempDirectory(tempDir);
    }
    ConversionResult result = converter.build().convert(from, to, afterSteps(steps(), run));
    Map<String, Object> m = ConvertCommand.toJson(result);
    Map<String, Object> files = new LinkedHashMap<>();
    order.forEach((layer, paths) -> files.put(Integer.toString(layer), paths.size()));
    m.put("prioritizedFilesPerLayer", files);
    m.put("plan", planJson(plan));
    long rewritten = result.count(LayerAction.CONVERTED);
    long kept = result.layers().size() - rewritten;
    int prioritized = order.values().stream().mapToInt(List::size).sum();
    m.put(
        "summary",
        "pushed "
            + result.target()
            + "@"
            + result.manifest().digest()
            + ": "
            + rewritten
            + " layers rewritten with "
            + prioritized
            + " traced files first, "
            + kept
            + " kept"
            + (result.missedPrioritizedFiles().isEmpty()
                ? ""
                : "; not found: " + result.missedPrioritizedFiles()));
    for (ConvertedLayer l : result.layers()) {
      if (l.action() == LayerAction.CONVERTED && !order.containsKey(l.index())) {
        run.progress.message("layer " + (l.index() + 1) + " rewritten without traced files");
      }
    }
    return m;
  }
}
