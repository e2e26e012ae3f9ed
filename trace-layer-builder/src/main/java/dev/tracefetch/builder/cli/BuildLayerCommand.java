package dev.tracefetch.builder.cli;

import dev.tracefetch.api.files.ReplayFiles;
import dev.tracefetch.builder.layer.TraceLayerEditor;
import dev.tracefetch.builder.plan.BuiltPlan;
import dev.tracefetch.builder.plan.IndexedImage;
import dev.tracefetch.builder.transfer.ImageEndpoint;
import dev.tracefetch.builder.transfer.ImageRepository;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.ImageSource;
import dev.tracefetch.planner.RankingSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code trace-layer-builder build-layer}: pushes IMAGE with a trace top layer holding its replay
 * file, replacing any trace layer it already has.
 */
@Command(
    name = "build-layer",
    mixinStandardHelpOptions = true,
    description = {
      "Push IMAGE as DST with a trace top layer: a small uncompressed tar holding the replay file"
          + " at /.tracefetch/replay.tfr, marked with the layer annotation"
          + " dev.tracefetch.trace-layer=true. An existing trace layer is replaced, never stacked.",
      "The image still runs on runtimes that know nothing about it.",
    },
    footer = {"", "Exit codes: 0 pushed, 1 failure (DST not changed), 2 usage error."})
final class BuildLayerCommand extends BuilderCommand {
  @Option(
      names = "--image",
      required = true,
      paramLabel = "REF",
      converter = ImageSourceConverter.class,
      description = "Image to add the trace layer to.")
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
      description = "Where blobs are spooled when copied between registries.")
  Path tempDir;

  @Override
  String name() {
    return "trace-layer-builder build-layer";
  }

  @Override
  int steps() {
    return 3;
  }

  @Override
  Map<String, Object> execute(Run run) throws Exception {
    var source = traces.source();
    ImageEndpoint from = run.openForReading(image);
    ImageEndpoint to = run.openForWriting(push);
    IndexedImage input = run.load(from);
    TraceLayerEditor.Edited base =
        TraceLayerEditor.strip(input.raw(), input.manifest(), input.config());
    IndexedImage target =
        base.removed().isEmpty()
            ? input
            : input.without(base.removed(), base.manifest(), base.parsed(), base.config());
    BuiltPlan plan =
        run.plan(
            target, from, source, List.of(input.digest().toString()), RankingSettings.defaults());
    byte[] replay = ReplayFiles.toBytes(plan.plan());
    Instant created = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    TraceLayerEditor.Edited edited =
        TraceLayerEditor.withTraceLayer(
            input.raw(), input.manifest(), input.config(), replay, created);
    Digest pushed = pushImage(run, from, to, edited, tempDir);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("image", input.name());
    m.put("sourceManifest", descriptor(input.raw().descriptor()));
    m.put("target", to.describe());
    m.put("manifest", descriptor(edited.manifest().descriptor()));
    m.put("traceLayer", descriptor(edited.added()));
    m.put("replacedTraceLayers", edited.removed().size());
    m.put("plan", planJson(plan));
    m.put(
        "summary",
        "pushed "
            + to.describe()
            + "@"
            + pushed
            + " with a trace layer ("
            + edited.added().size()
            + " bytes"
            + (edited.removed().isEmpty() ? "" : ", replacing the previous one")
            + "): "
            + planSummary(plan));
    return m;
  }

  /**
   * Copies the layers of {@code edited} that {@code to} lacks from {@code from}, uploads the new
   * layer and config, and only then tags the manifest, so DST never points at a partial image.
   */
  static Digest pushImage(
      Run run, ImageEndpoint from, ImageEndpoint to, TraceLayerEditor.Edited edited, Path tempDir)
      throws java.io.IOException {
    ImageRepository target = to.repository();
    Path temp =
        Files.createTempDirectory(
            tempDir == null ? Path.of(System.getProperty("java.io.tmpdir")) : tempDir,
            "tracefetch-push-");
    try {
      List<Descriptor> layers = new ArrayList<>(edited.parsed().layers());
      long bytes = layers.stream().mapToLong(Descriptor::size).sum();
      run.progress.addTotalBytes(bytes);
      for (Descriptor layer : layers) {
        if (edited.added() != null && layer.equals(edited.added())) {
          target.putBlob(layer, edited.addedBlob());
          run.progress.addBytes(layer.size());
        } else {
          target.copyBlobFrom(from.repository(), layer, temp, run.progress::addBytes);
        }
      }
      Descriptor config = edited.parsed().config();
      if (edited.configBytes() != null) {
        target.putBlob(config, edited.configBytes());
      } else {
        target.copyBlobFrom(from.repository(), config, temp, n -> {});
      }
      Digest digest = target.putManifest(edited.manifest(), to.reference());
      run.progress.stepDone("pushed " + to.describe() + "@" + digest);
      return digest;
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
