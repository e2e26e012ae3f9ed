package dev.tracefetch.builder.cli;

import dev.tracefetch.oci.image.Platform;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Registry access, platform choice and output options shared by the plan commands. */
final class RegistryOptions {
  @Option(
      names = "--insecure-registry",
      paramLabel = "HOST",
      description = "Registry (host or host:port) to reach over plain HTTP; repeatable.")
  List<String> insecureRegistries = new ArrayList<>();

  @Option(
      names = "--platform",
      paramLabel = "OS/ARCH[/VARIANT]",
      converter = PlatformConverter.class,
      description = "Image to take from a multi-platform index (default: this machine's).")
  Platform platform;

  @Option(names = "--json", description = "Print the result as one line of JSON on stdout.")
  boolean json;

  @Option(
      names = {"-q", "--quiet"},
      description = "No progress output.")
  boolean quiet;

  Platform platformOrHost() {
    return platform != null ? platform : Platform.host();
  }
}
