package dev.tracefetch.builder.convert;

import dev.tracefetch.layer.tar.LayerCompression;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.registry.BlobPushResult;
import java.util.List;
import java.util.Objects;

/**
 * One layer of a conversion: what it was, what it became, and how it got to the destination.
 *
 * @param index position in the manifest, base layer 0
 * @param source the source layer's descriptor
 * @param result the destination layer's descriptor (equal to {@code source} when {@link
 *     LayerAction#KEPT})
 * @param sourceDiffId the source config's diff ID for the layer
 * @param diffId the destination config's diff ID (the uncompressed eStargz blob for converted
 *     layers, which includes the TOC and landmark entries)
 * @param action what was done
 * @param sourceCompression how the source blob was compressed, told from its bytes (null when the
 *     blob was not read)
 * @param push how the blob reached the destination
 * @param prioritizedFiles the prioritized paths written first in this layer
 */
public record ConvertedLayer(
    int index,
    Descriptor source,
    Descriptor result,
    Digest sourceDiffId,
    Digest diffId,
    LayerAction action,
    LayerCompression sourceCompression,
    BlobPushResult push,
    List<String> prioritizedFiles) {

  public ConvertedLayer {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(sourceDiffId, "sourceDiffId");
    Objects.requireNonNull(diffId, "diffId");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(push, "push");
    prioritizedFiles = List.copyOf(prioritizedFiles);
  }

  /** The same outcome for another position (an image may repeat a layer). */
  ConvertedLayer at(int newIndex) {
    return new ConvertedLayer(
        newIndex,
        source,
        result,
        sourceDiffId,
        diffId,
        action,
        sourceCompression,
        push,
        prioritizedFiles);
  }
}
