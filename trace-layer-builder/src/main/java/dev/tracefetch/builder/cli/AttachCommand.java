package dev.tracefetch.builder.cli;

import dev.tracefetch.api.files.ReplayArtifacts;
import dev.tracefetch.api.files.ReplayFiles;
import dev.tracefetch.builder.artifact.ReferrerArtifact;
import dev.tracefetch.builder.plan.BuiltPlan;
import dev.tracefetch.builder.plan.IndexedImage;
import dev.tracefetch.builder.transfer.ImageEndpoint;
import dev.tracefetch.builder.transfer.RegistryRepository;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.ImageSource;
import dev.tracefetch.planner.RankingSettings;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code trace-layer-builder attach}: pushes the replay file as an OCI 1.1 artifact referring to
 * the image, which itself stays byte for byte the same.
 */
@Command(
    name = "attach",
    mixinStandardHelpOptions = true,
    description = {
      "Push IMAGE's replay file as an OCI artifact (artifactType "
          + ReplayArtifacts.ARTIFACT_TYPE
          + ") whose subject is the image manifest. The image and its digest are unchanged;"
          + " nodes find the artifact by the image digest through the referrers API or, on"
          + " registries without it, the sha256-<hex> tag.",
    },
    footer = {"", "Exit codes: 0 pushed, 1 failure, 2 usage error."})
final class AttachCommand extends BuilderCommand {
  @Option(
      names = "--image",
      required = true,
      paramLabel = "REF",
      converter = ImageSourceConverter.class,
      description = "Image in a registry to attach the replay file to.")
  ImageSource image;

  @Mixin TraceSourceOptions traces;

  @Override
  String name() {
    return "trace-layer-builder attach";
  }

  @Override
  int steps() {
    return 3;
  }

  @Override
  Map<String, Object> execute(Run run) throws Exception {
    var source = traces.source();
    ImageEndpoint endpoint = run.openForReading(image);
    if (!(endpoint.repository() instanceof RegistryRepository repository)) {
      throw new UsageException(
          "attach needs an image in a registry (referrers live there), not " + image);
    }
    IndexedImage target = run.load(endpoint);
    BuiltPlan plan =
        run.plan(target, endpoint, source, traces.recordedOn, RankingSettings.defaults());
    String app = plan.plan().getApp().isEmpty() ? traces.app : plan.plan().getApp();
    ReferrerArtifact artifact =
        ReferrerArtifact.of(
            target.raw().descriptor(), ReplayFiles.toBytes(plan.plan()), app, Instant.now());
    Digest pushed = artifact.push(repository.client(), repository.repository());
    run.progress.stepDone("pushed artifact " + pushed);
    List<?> found =
        repository
            .client()
            .referrers(repository.repository(), target.digest(), ReplayArtifacts.ARTIFACT_TYPE);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("image", target.name());
    m.put("subject", descriptor(target.raw().descriptor()));
    m.put("artifact", descriptor(artifact.manifest().descriptor()));
    m.put("artifactType", ReplayArtifacts.ARTIFACT_TYPE);
    m.put("app", app);
    m.put("referrers", found.size());
    m.put("plan", planJson(plan));
    m.put(
        "summary",
        "attached "
            + repository.describe()
            + "@"
            + pushed
            + " to "
            + target.name()
            + "@"
            + target.digest()
            + " (image unchanged): "
            + planSummary(plan));
    return m;
  }
}
