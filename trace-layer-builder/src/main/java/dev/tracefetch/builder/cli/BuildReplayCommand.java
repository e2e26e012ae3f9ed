package dev.tracefetch.builder.cli;

import dev.tracefetch.api.files.ReplayFiles;
import dev.tracefetch.builder.plan.BuiltPlan;
import dev.tracefetch.builder.plan.IndexedImage;
import dev.tracefetch.builder.transfer.ImageEndpoint;
import dev.tracefetch.oci.image.ImageSource;
import dev.tracefetch.planner.RankingSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code trace-layer-builder build-replay}: writes the replay file for an image, the input of
 * {@code replayer mount --replay FILE} and of every other way of shipping a plan.
 */
@Command(
    name = "build-replay",
    mixinStandardHelpOptions = true,
    description = {
      "Build a runtime replay file for IMAGE: chunk ranges per layer in the order the start needs"
          + " them, verified against the image's eStargz TOCs.",
      "A trace recorded on another image is mapped by path and content digest (coverage is"
          + " reported) or refused.",
    },
    footer = {"", "Exit codes: 0 written, 1 failure (nothing written), 2 usage error."})
final class BuildReplayCommand extends BuilderCommand {
  @Option(
      names = "--image",
      required = true,
      paramLabel = "REF",
      converter = ImageSourceConverter.class,
      description = "Image the plan is for (host/repo:tag, host/repo@sha256:..., oci:DIR[:TAG]).")
  ImageSource image;

  @Mixin TraceSourceOptions traces;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description = "Replay file to write (atomically).")
  Path out;

  @Override
  String name() {
    return "trace-layer-builder build-replay";
  }

  @Override
  int steps() {
    return 3;
  }

  @Override
  Map<String, Object> execute(Run run) throws Exception {
    var source = traces.source();
    Path parent = out.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      throw new UsageException("--out " + out + ": directory " + parent + " does not exist");
    }
    ImageEndpoint endpoint = run.openForReading(image);
    IndexedImage target = run.load(endpoint);
    BuiltPlan plan =
        run.plan(target, endpoint, source, traces.recordedOn, RankingSettings.defaults());
    ReplayFiles.write(plan.plan(), out);
    run.progress.stepDone("wrote " + out + " (" + Files.size(out) + " bytes)");
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("image", target.name());
    m.put("manifestDigest", target.digest().toString());
    m.put("out", out.toString());
    m.put("size", Files.size(out));
    m.put("plan", planJson(plan));
    m.put(
        "summary",
        "wrote "
            + out
            + " for "
            + target.name()
            + "@"
            + target.digest()
            + ": "
            + planSummary(plan));
    return m;
  }
}
