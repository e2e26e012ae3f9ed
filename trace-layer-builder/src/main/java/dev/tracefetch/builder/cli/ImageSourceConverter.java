package dev.tracefetch.builder.cli;

import dev.tracefetch.oci.image.ImageSource;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads an image argument: a registry reference or {@code oci:DIR[:TAG]}. */
final class ImageSourceConverter implements ITypeConverter<ImageSource> {
  @Override
  public ImageSource convert(String value) {
    try {
      return ImageSource.parse(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
