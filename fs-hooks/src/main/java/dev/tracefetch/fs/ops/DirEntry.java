package dev.tracefetch.fs.ops;

/**
 * One name in a directory listing.
 *
 * @param name the name (no slash)
 * @param inode inode number of the named node
 * @param stMode type and permission bits of the named node (the type gives {@code d_type})
 */
public record DirEntry(String name, long inode, int stMode) {}
