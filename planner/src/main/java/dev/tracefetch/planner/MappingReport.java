package dev.tracefetch.planner;

/**
 * How much of a plan or trace recorded on one image could be carried over to another: counted in
 * source chunks and in their compressed bytes. {@link #coverage()} is what a plan reports as {@code
 * Provenance.coverage}.
 *
 * @param exactLayers source layers (among those used) that the target image holds unchanged
 * @param remappedLayers source layers (among those used) mapped file by file
 */
public record MappingReport(
    int totalChunks,
    int mappedChunks,
    long totalBytes,
    long mappedBytes,
    int exactLayers,
    int remappedLayers) {

  public MappingReport {
    if (mappedChunks < 0 || mappedChunks > totalChunks) {
      throw new IllegalArgumentException(
          "mappedChunks " + mappedChunks + " not in [0, " + totalChunks + "]");
    }
    if (mappedBytes < 0 || mappedBytes > totalBytes) {
      throw new IllegalArgumentException(
          "mappedBytes " + mappedBytes + " not in [0, " + totalBytes + "]");
    }
  }

  /** Share of source bytes mapped onto the target image; 1.0 when there was nothing to map. */
  public double coverage() {
    return totalBytes == 0 ? 1.0 : mappedBytes / (double) totalBytes;
  }

  /** Share of source chunks mapped onto the target image. */
  public double chunkCoverage() {
    return totalChunks == 0 ? 1.0 : mappedChunks / (double) totalChunks;
  }
}
