package dev.tracefetch.builder.cli;

import dev.tracefetch.oci.image.Platform;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads {@code os/arch[/variant]}, e.g. {@code linux/arm64/v8}, as docker and skopeo write it. */
final class PlatformConverter implements ITypeConverter<Platform> {
  @Override
  public Platform convert(String value) {
    String[] parts = value.split("/", -1);
    if (parts.length < 2 || parts.length > 3) {
      throw new TypeConversionException(
          "invalid platform '" + value + "': expected os/arch or os/arch/variant");
    }
    for (String p : parts) {
      if (p.isEmpty() || !p.matches("[a-z0-9_.-]+")) {
        throw new TypeConversionException(
            "invalid platform '" + value + "': parts must be lowercase [a-z0-9_.-]");
      }
    }
    return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : null);
  }
}
