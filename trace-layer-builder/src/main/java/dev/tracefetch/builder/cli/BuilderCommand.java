package dev.tracefetch.builder.cli;

import dev.tracefetch.api.v1.LayerPlan;
import dev.tracefetch.builder.plan.BuiltPlan;
import dev.tracefetch.builder.plan.IndexedImage;
import dev.tracefetch.builder.plan.PlanBuildException;
import dev.tracefetch.builder.plan.PlanSource;
import dev.tracefetch.builder.plan.ReplayPlanBuilder;
import dev.tracefetch.builder.plan.SourceImages;
import dev.tracefetch.builder.transfer.ImageEndpoint;
import dev.tracefetch.builder.transfer.RegistryClients;
import dev.tracefetch.builder.transfer.RegistryRepository;
import dev.tracefetch.cli.ExitCodes;
import dev.tracefetch.cli.JsonOutput;
import dev.tracefetch.cli.ProgressBar;
import dev.tracefetch.oci.image.ContentNotFoundException;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.ImageReference;
import dev.tracefetch.oci.image.ImageSource;
import dev.tracefetch.oci.image.NoMatchingPlatformException;
import dev.tracefetch.oci.registry.RegistryNotFoundException;
import dev.tracefetch.oci.registry.RegistryUnauthorizedException;
import dev.tracefetch.planner.MappingReport;
import dev.tracefetch.planner.RankingSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What the plan commands share: registry clients, progress, {@code --json} output, and one mapping
 * of failures to messages and exit codes (1 for bad traces, missing images and registry refusals, 2
 * for usage errors). Subclasses implement {@link #execute}.
 */
abstract class BuilderCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin RegistryOptions registry;

  /** {@code trace-layer-builder <sub>}, the prefix of every message. */
  abstract String name();

  /** Runs the command; returns the {@code --json} result, whose "summary" is the text output. */
  abstract Map<String, Object> execute(Run run) throws Exception;

  /** Number of progress steps the command reports. */
  abstract int steps();

  /** The resources of one run. */
  final class Run {
    final RegistryClients clients;
    final ProgressBar progress;
    final PrintWriter err;

    Run(RegistryClients clients, ProgressBar progress, PrintWriter err) {
      this.clients = clients;
      this.progress = progress;
      this.err = err;
    }

    ImageEndpoint openForReading(ImageSource source) throws IOException {
      return ImageEndpoint.openForReading(source, clients);
    }

    ImageEndpoint openForWriting(ImageSource destination) throws IOException {
      return ImageEndpoint.openForWriting(destination, clients);
    }

    IndexedImage load(ImageEndpoint image) throws IOException {
      progress.message("reading manifest and TOCs of " + image.describe());
      IndexedImage loaded =
          IndexedImage.load(image.repository(), image.reference(), registry.platformOrHost());
      progress.stepDone(
          "read "
              + loaded.name()
              + "@"
              + loaded.digest()
              + " ("
              + loaded.layers().size()
              + " layers)");
      return loaded;
    }

    /** Builds and verifies the plan for {@code target}, which lives in {@code where}. */
    BuiltPlan plan(
        IndexedImage target,
        ImageEndpoint where,
        PlanSource source,
        List<String> alsoRecordedOn,
        RankingSettings settings)
        throws IOException, PlanBuildException {
      progress.message("building the replay plan");
      BuiltPlan plan =
          new ReplayPlanBuilder(settings, sourceImages(where), Clock.systemUTC())
              .build(target, source, alsoRecordedOn);
      progress.stepDone(
          "plan from "
              + plan.source()
              + ": "
              + plan.rangeCount()
              + " ranges, "
              + ProgressBar.formatBytes(plan.plannedBytes())
              + (plan.mapping() == null
                  ? ""
                  : String.format(Locale.ROOT, ", coverage %.1f%%", 100 * plan.coverage())));
      return plan;
    }

    /**
     * Finds images traces were recorded on: by digest in the target's repository, else in the
     * repository the trace's image reference names.
     */
    SourceImages sourceImages(ImageEndpoint where) {
      return (digest, reference) -> {
        Optional<IndexedImage> found = tryLoad(where, digest);
        if (found.isPresent() || reference == null || reference.isEmpty()) {
          return found;
        }
        ImageReference ref;
        try {
          ref = ImageReference.parse(reference);
        } catch (IllegalArgumentException e) {
          return Optional.empty();
        }
        try {
          return tryLoad(
              new ImageEndpoint(
                  new RegistryRepository(clients.get(ref.registry()), ref.repository()), digest),
              digest);
        } catch (IOException | IllegalArgumentException e) {
          // The recording's reference is only a hint (it may name a registry unreachable here).
          progress.message(
              "cannot read "
                  + ref.registry()
                  + "/"
                  + ref.repository()
                  + "@"
                  + digest
                  + ": "
                  + e.getMessage());
          return Optional.empty();
        }
      };
    }

    private Optional<IndexedImage> tryLoad(ImageEndpoint where, String digest) throws IOException {
      try {
        return Optional.of(
            IndexedImage.load(where.repository(), digest, registry.platformOrHost()));
      } catch (ContentNotFoundException | RegistryNotFoundException e) {
        return Optional.empty();
      }
    }
  }

  @Override
  public final Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ProgressBar progress =
        ProgressBar.builder(err, ProgressBar.Style.detect(registry.quiet, registry.json))
            .unit("steps")
            .totalSteps(steps())
            .build();
    try (RegistryClients clients =
        RegistryClients.withDockerCredentials(new LinkedHashSet<>(registry.insecureRegistries))) {
      Map<String, Object> result;
      try {
        result = execute(new Run(clients, progress, err));
      } finally {
        progress.close();
      }
      if (registry.json) {
        JsonOutput.print(out, result);
      } else {
        out.println(result.get("summary"));
        out.flush();
      }
      return ExitCodes.OK;
    } catch (UsageException e) {
      return report(err, e.getMessage(), ExitCodes.USAGE);
    } catch (PlanBuildException | ContentNotFoundException e) {
      return report(err, e.getMessage(), ExitCodes.FAILURE);
    } catch (NoMatchingPlatformException e) {
      return report(err, e.getMessage() + " (choose one with --platform)", ExitCodes.FAILURE);
    } catch (RegistryUnauthorizedException e) {
      return report(
          err,
          e.getMessage()
              + " (credentials are read from the Docker config, e.g. after 'docker login')",
          ExitCodes.FAILURE);
    } catch (IOException e) {
      return report(err, e.getMessage(), ExitCodes.FAILURE);
    } catch (IllegalArgumentException e) {
      return report(err, e.getMessage(), ExitCodes.USAGE);
    } catch (Exception e) {
      return report(err, e.toString(), ExitCodes.FAILURE);
    }
  }

  private int report(PrintWriter err, String message, int code) {
    err.println(name() + ": " + message);
    err.flush();
    return code;
  }

  /** A usage error found while running (exit 2). */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  static Map<String, Object> descriptor(Descriptor d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mediaType", d.mediaType());
    m.put("digest", d.digest().toString());
    m.put("size", d.size());
    if (!d.annotations().isEmpty()) {
      m.put("annotations", d.annotations());
    }
    return m;
  }

  static Map<String, Object> planJson(BuiltPlan plan) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("source", plan.source());
    m.put("app", plan.plan().getApp());
    m.put("manifestDigest", plan.plan().getManifestDigest());
    m.put("traces", plan.traces());
    m.put("layers", plan.plan().getLayersCount());
    m.put("ranges", plan.rangeCount());
    m.put("bytes", plan.plannedBytes());
    m.put("coverage", plan.coverage());
    String recordedOn = plan.plan().getProvenance().getSourceManifestDigest();
    if (!recordedOn.isEmpty()) {
      m.put("recordedOn", recordedOn);
    }
    MappingReport r = plan.mapping();
    if (r != null) {
      Map<String, Object> mapping = new LinkedHashMap<>();
      mapping.put("totalChunks", r.totalChunks());
      mapping.put("mappedChunks", r.mappedChunks());
      mapping.put("totalBytes", r.totalBytes());
      mapping.put("mappedBytes", r.mappedBytes());
      mapping.put("exactLayers", r.exactLayers());
      mapping.put("remappedLayers", r.remappedLayers());
      m.put("mapping", mapping);
    }
    java.util.List<Object> layers = new java.util.ArrayList<>();
    for (LayerPlan l : plan.plan().getLayersList()) {
      Map<String, Object> layer = new LinkedHashMap<>();
      layer.put("index", l.getLayerIndex());
      layer.put("digest", l.getLayerDigest());
      layer.put("ranges", l.getRangesCount());
      layer.put(
          "bytes", l.getRangesList().stream().mapToLong(r2 -> r2.getCompressedLength()).sum());
      layers.add(layer);
    }
    m.put("layerPlans", layers);
    return m;
  }

  /** One line describing a plan, e.g. for the text output. */
  static String planSummary(BuiltPlan plan) {
    StringBuilder s =
        new StringBuilder()
            .append(plan.rangeCount())
            .append(" ranges in ")
            .append(plan.plan().getLayersCount())
            .append(" layers, ")
            .append(ProgressBar.formatBytes(plan.plannedBytes()))
            .append(" from ")
            .append(plan.source());
    if (plan.mapping() != null) {
      s.append(
          String.format(
              Locale.ROOT,
              "; mapped from image %s, coverage %.1f%% (%d of %d chunks)",
              plan.plan().getProvenance().getSourceManifestDigest().isEmpty()
                  ? "(several)"
                  : plan.plan().getProvenance().getSourceManifestDigest(),
              100 * plan.coverage(),
              plan.mapping().mappedChunks(),
              plan.mapping().totalChunks()));
    }
    return s.toString();
  }
}
