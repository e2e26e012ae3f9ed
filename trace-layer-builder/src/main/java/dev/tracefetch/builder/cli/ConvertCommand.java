package dev.tracefetch.builder.cli;

import dev.tracefetch.builder.convert.ConversionListener;
import dev.tracefetch.builder.convert.ConversionResult;
import dev.tracefetch.builder.convert.ConvertedLayer;
import dev.tracefetch.builder.convert.ImageConverter;
import dev.tracefetch.builder.convert.LayerAction;
import dev.tracefetch.builder.transfer.ImageEndpoint;
import dev.tracefetch.builder.transfer.RegistryClients;
import dev.tracefetch.cli.ExitCodes;
import dev.tracefetch.cli.JsonOutput;
import dev.tracefetch.cli.ProgressBar;
import dev.tracefetch.cli.SizeConverter;
import dev.tracefetch.layer.estargz.Estargz;
import dev.tracefetch.oci.image.ContentNotFoundException;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.ImageSource;
import dev.tracefetch.oci.image.NoMatchingPlatformException;
import dev.tracefetch.oci.image.Platform;
import dev.tracefetch.oci.registry.RegistryUnauthorizedException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code trace-layer-builder convert SRC DST}: converts every layer of an image to eStargz with
 * {@link ImageConverter} and pushes the result, showing layers and bytes as it goes.
 */
@Command(
    name = "convert",
    mixinStandardHelpOptions = true,
    description = {
      "Convert every layer of SRC (tar, tar+gzip, tar+zstd) to eStargz and push the image as DST.",
      "Layers already in eStargz are kept byte for byte. SRC and DST are registry references"
          + " (host/repo:tag, docker://...) or OCI layouts (oci:DIR[:TAG]).",
    },
    footer = {
      "",
      "Exit codes: 0 converted and pushed, 1 failure (nothing tagged), 2 usage error.",
    })
public final class ConvertCommand implements Callable<Integer> {
  private static final String NAME = "trace-layer-builder convert";

  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "SRC",
      converter = ImageSourceConverter.class,
      description = "Image to convert.")
  ImageSource source;

  @Parameters(
      index = "1",
      paramLabel = "DST",
      converter = ImageSourceConverter.class,
      description = "Where to push the eStargz image (a registry tag, or oci:DIR[:TAG]).")
  ImageSource destination;

  @Option(
      names = "--chunk-size",
      paramLabel = "SIZE",
      defaultValue = "4M",
      converter = SizeConverter.class,
      description = "Largest chunk of a file in one gzip member (default: ${DEFAULT-VALUE}).")
  long chunkSize;

  @Option(
      names = "--insecure-registry",
      paramLabel = "HOST",
      description = "Registry (host or host:port) to reach over plain HTTP; repeatable.")
  List<String> insecureRegistries = new ArrayList<>();

  @Option(
      names = "--prioritize",
      paramLabel = "FILE",
      description =
          "File listing paths (one per line) to put first in their layers, before"
              + " .prefetch.landmark, for prefetch at mount time.")
  Path prioritize;

  @Option(
      names = "--platform",
      paramLabel = "OS/ARCH[/VARIANT]",
      converter = PlatformConverter.class,
      description = "Image to take from a multi-platform SRC (default: this machine's).")
  Platform platform;

  @Option(
      names = "--parallel",
      paramLabel = "N",
      defaultValue = "2",
      description = "Layers converted at the same time (default: ${DEFAULT-VALUE}).")
  int parallel;

  @Option(
      names = "--temp-dir",
      paramLabel = "DIR",
      description = "Where layers are spooled while converting (default: the system temp dir).")
  Path tempDir;

  @Option(names = "--json", description = "Print the result as one line of JSON on stdout.")
  boolean json;

  @Option(
      names = {"-q", "--quiet"},
      description = "No progress output.")
  boolean quiet;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (chunkSize <= 0 || chunkSize > Integer.MAX_VALUE) {
      return usage(err, "--chunk-size must be between 1 byte and 2 GiB, got " + chunkSize);
    }
    if (parallel < 1 || parallel > 64) {
      return usage(err, "--parallel must be between 1 and 64, got " + parallel);
    }
    List<String> prioritized;
    try {
      prioritized = prioritize == null ? List.of() : readPathList(prioritize);
    } catch (NoSuchFileException e) {
      return usage(err, "--prioritize file " + prioritize + " does not exist");
    } catch (IOException e) {
      return usage(err, "cannot read --prioritize file " + prioritize + ": " + e.getMessage());
    }
    ImageConverter.Builder converter =
        ImageConverter.builder()
            .chunkSize((int) chunkSize)
            .parallelism(parallel)
            .prioritizedFiles(prioritized);
    if (platform != null) {
      converter.platform(platform);
    }
    if (tempDir != null) {
      converter.tempDirectory(tempDir);
    }
    ProgressBar progress =
        ProgressBar.builder(err, ProgressBar.Style.detect(quiet, json)).unit("layers").build();
    try (RegistryClients clients =
        RegistryClients.withDockerCredentials(new LinkedHashSet<>(insecureRegistries))) {
      ImageEndpoint from;
      ImageEndpoint to;
      try {
        from = ImageEndpoint.openForReading(source, clients);
        to = ImageEndpoint.openForWriting(destination, clients);
      } catch (IllegalArgumentException e) {
        return usage(err, e.getMessage());
      }
      ConversionResult result;
      try {
        result = converter.build().convert(from, to, new Progress(progress, err));
      } finally {
        progress.close();
      }
      if (json) {
        JsonOutput.print(out, toJson(result));
      } else {
        out.println(summary(result));
        out.flush();
      }
      for (String missed : result.missedPrioritizedFiles()) {
        err.println(NAME + ": warning: prioritized file not found in any layer: " + missed);
      }
      err.flush();
      return ExitCodes.OK;
    } catch (ContentNotFoundException e) {
      return failure(err, e.getMessage());
    } catch (NoMatchingPlatformException e) {
      return failure(err, source + ": " + e.getMessage() + " (choose one with --platform)");
    } catch (RegistryUnauthorizedException e) {
      return failure(
          err,
          e.getMessage()
              + " (credentials are read from the Docker config, e.g. after 'docker login')");
    } catch (IOException e) {
      return failure(err, e.getMessage());
    } catch (IllegalArgumentException e) {
      // e.g. plain HTTP to a registry not named with --insecure-registry
      return usage(err, e.getMessage());
    }
  }

  private static int usage(PrintWriter err, String message) {
    err.println(NAME + ": " + message);
    err.flush();
    return ExitCodes.USAGE;
  }

  private static int failure(PrintWriter err, String message) {
    err.println(NAME + ": " + message);
    err.flush();
    return ExitCodes.FAILURE;
  }

  /** Paths one per line; blank lines and {@code #} comments skipped. */
  static List<String> readPathList(Path file) throws IOException {
    List<String> paths = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String p = line.strip();
      if (!p.isEmpty() && !p.startsWith("#")) {
        paths.add(p);
      }
    }
    return paths;
  }

  static String summary(ConversionResult r) {
    return "converted "
        + r.source()
        + " -> "
        + r.target()
        + "@"
        + r.manifest().digest()
        + " ("
        + r.count(LayerAction.CONVERTED)
        + " converted, "
        + r.count(LayerAction.KEPT)
        + " kept, "
        + r.count(LayerAction.ANNOTATED)
        + " annotated"
        + (r.unchanged() ? "; manifest unchanged" : "")
        + ")";
  }

  static Map<String, Object> toJson(ConversionResult r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("source", r.source());
    m.put("target", r.target());
    m.put("sourceManifest", descriptor(r.sourceManifest()));
    m.put("manifest", descriptor(r.manifest()));
    m.put("config", descriptor(r.config()));
    m.put("unchanged", r.unchanged());
    List<Object> layers = new ArrayList<>();
    for (ConvertedLayer l : r.layers()) {
      Map<String, Object> layer = new LinkedHashMap<>();
      layer.put("index", l.index());
      layer.put("action", l.action().name().toLowerCase(Locale.ROOT));
      layer.put(
          "sourceCompression",
          l.sourceCompression() == null
              ? null
              : l.sourceCompression().name().toLowerCase(Locale.ROOT));
      layer.put("source", descriptor(l.source()));
      layer.put("sourceDiffId", l.sourceDiffId().toString());
      layer.put("result", descriptor(l.result()));
      layer.put("diffId", l.diffId().toString());
      layer.put("tocDigest", l.result().annotations().get(Estargz.TOC_DIGEST_ANNOTATION));
      layer.put("push", l.push().name().toLowerCase(Locale.ROOT));
      layer.put("prioritizedFiles", l.prioritizedFiles());
      layers.add(layer);
    }
    m.put("layers", layers);
    m.put("missedPrioritizedFiles", r.missedPrioritizedFiles());
    return m;
  }

  private static Map<String, Object> descriptor(Descriptor d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mediaType", d.mediaType());
    m.put("digest", d.digest().toString());
    m.put("size", d.size());
    if (!d.annotations().isEmpty()) {
      m.put("annotations", d.annotations());
    }
    return m;
  }

  /** Shows the conversion on the progress bar. */
  static final class Progress implements ConversionListener {
    private final ProgressBar bar;
    private final PrintWriter err;

    Progress(ProgressBar bar, PrintWriter err) {
      this.bar = bar;
      this.err = err;
    }

    @Override
    public void started(String source, int layers, long bytes) {
      bar.totalSteps(layers);
      bar.addTotalBytes(bytes);
      bar.message("converting " + source + ": " + layers + (layers == 1 ? " layer" : " layers"));
    }

    @Override
    public void bytesTransferred(long n) {
      bar.addBytes(n);
    }

    @Override
    public void bytesAdded(long n) {
      bar.addTotalBytes(n);
    }

    @Override
    public void layerDone(ConvertedLayer l) {
      String what =
          switch (l.action()) {
            case CONVERTED ->
                "converted from "
                    + l.sourceCompression().name().toLowerCase(Locale.ROOT)
                    + " ("
                    + ProgressBar.formatBytes(l.source().size())
                    + " -> "
                    + ProgressBar.formatBytes(l.result().size())
                    + ")";
            case KEPT -> "kept, already eStargz";
            case ANNOTATED -> "kept, already eStargz; annotations added";
          };
      bar.stepDone(
          "layer "
              + (l.index() + 1)
              + " "
              + l.source().digest().toString().substring(0, 19)
              + " "
              + what
              + ", "
              + l.push().name().toLowerCase(Locale.ROOT).replace('_', ' '));
    }

    @Override
    public void warning(String message) {
      if (bar.style() == ProgressBar.Style.SILENT) {
        err.println(NAME + ": warning: " + message);
        err.flush();
      } else {
        bar.message("warning: " + message);
      }
    }
  }
}
