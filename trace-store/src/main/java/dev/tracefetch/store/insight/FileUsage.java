package dev.tracefetch.store.insight;

/**
 * What one start did with one file of the image.
 *
 * @param index the file's index in the trace's file table (timeline events refer to it)
 * @param path absolute path inside the image
 * @param layer index of the layer the visible file comes from
 * @param size uncompressed file size
 * @param firstAccessMicros time of the first access from the start of the recording; null when the
 *     start never touched the file
 * @param events accesses of any kind (open, read, stat, ...)
 * @param readBytes bytes the reads asked for
 * @param fetchedBytes compressed bytes of the distinct chunks the reads needed
 */
public record FileUsage(
    int index,
    String path,
    int layer,
    long size,
    Long firstAccessMicros,
    long events,
    long readBytes,
    long fetchedBytes) {

  boolean accessed() {
    return firstAccessMicros != null;
  }
}
