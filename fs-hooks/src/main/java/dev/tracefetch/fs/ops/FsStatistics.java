package dev.tracefetch.fs.ops;

/**
 * What {@code statfs} reports. A read-only image has no free space and no free inodes.
 *
 * @param blockSize block size in bytes
 * @param totalBlocks size of the image in blocks
 * @param files number of inodes
 * @param maxNameLength longest file name
 */
public record FsStatistics(long blockSize, long totalBlocks, long files, int maxNameLength) {}
