package dev.tracefetch.builder.cli;

import dev.tracefetch.builder.layer.TraceLayerEditor;
import dev.tracefetch.builder.transfer.ImageEndpoint;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.ImageConfig;
import dev.tracefetch.oci.image.ImageFormatException;
import dev.tracefetch.oci.image.ImageManifest;
import dev.tracefetch.oci.image.ImageSource;
import dev.tracefetch.oci.image.ManifestOrIndex;
import dev.tracefetch.oci.image.RawManifest;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code trace-layer-builder strip-layer REF --push DST}: the image without its trace layer. */
@Command(
    name = "strip-layer",
    mixinStandardHelpOptions = true,
    description = {
      "Push REF without its trace top layer as DST: the layer list, diff_ids and history the"
          + " image had before build-layer. An image without a trace layer is pushed unchanged.",
    },
    footer = {"", "Exit codes: 0 pushed, 1 failure (DST not changed), 2 usage error."})
final class StripLayerCommand extends BuilderCommand {
  @Parameters(
      index = "0",
      paramLabel = "REF",
      converter = ImageSourceConverter.class,
      description = "Image with a trace layer.")
  ImageSource image;

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
    return "trace-layer-builder strip-layer";
  }

  @Override
  int steps() {
    return 2;
  }

  @Override
  Map<String, Object> execute(Run run) throws Exception {
    ImageEndpoint from = run.openForReading(image);
    ImageEndpoint to = run.openForWriting(push);
    RawManifest raw = from.repository().resolveImage(from.reference(), registry.platformOrHost());
    ManifestOrIndex parsed = raw.parse();
    if (!(parsed instanceof ImageManifest manifest)) {
      throw new ImageFormatException(from.describe() + " resolved to an index, not an image");
    }
    ImageConfig config = ImageConfig.parse(from.repository().readSmallBlob(manifest.config()));
    run.progress.stepDone("read " + from.describe() + "@" + raw.digest());
    TraceLayerEditor.Edited edited = TraceLayerEditor.strip(raw, manifest, config);
    Digest pushed = BuildLayerCommand.pushImage(run, from, to, edited, tempDir);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("image", from.describe());
    m.put("sourceManifest", descriptor(raw.descriptor()));
    m.put("target", to.describe());
    m.put("manifest", descriptor(edited.manifest().descriptor()));
    m.put("removedTraceLayers", edited.removed().size());
    m.put(
        "summary",
        "pushed "
            + to.describe()
            + "@"
            + pushed
            + (edited.removed().isEmpty()
                ? " unchanged: " + from.describe() + " has no trace layer"
                : " without its trace layer"));
    return m;
  }
}
