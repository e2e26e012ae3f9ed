package dev.tracefetch.fs.local;

import dev.tracefetch.fs.image.Layer;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A layer whose file data sits uncompressed in one local file: the entries say where each chunk is
 * ({@code compressedOffset} = offset in {@link #blob()}).
 *
 * @param index layer index in the image (0 = lowest)
 * @param layer the entries
 * @param blob the data file
 */
public record LocalLayer(int index, Layer layer, Path blob) {
  public LocalLayer {
    Objects.requireNonNull(layer, "layer");
    Objects.requireNonNull(blob, "blob");
  }
}
