package dev.tracefetch.store.insight;

/**
 * What one start read from one image layer.
 *
 * @param index layer index in manifest order (0 = lowest)
 * @param digest compressed blob digest; empty when the trace does not list the layer
 * @param mediaType layer media type; empty when unknown
 * @param size compressed layer size in bytes; 0 when unknown
 * @param files files of this layer the start touched
 * @param readBytes bytes the start's reads asked for from files of this layer
 * @param fetchedBytes compressed bytes of the distinct chunks of this layer those reads needed
 * @param chunks distinct chunks of this layer the start needed
 */
public record LayerUsage(
    int index,
    String digest,
    String mediaType,
    long size,
    int files,
    long readBytes,
    long fetchedBytes,
    long chunks) {}
