package dev.tracefetch.store.insight;

/**
 * One access drawn on a trace's timeline.
 *
 * @param t time from the start of the recording, in microseconds
 * @param file index into the trace's file table
 * @param kind open, read, stat, readlink, readdir or unspecified
 * @param offset file offset of a read
 * @param length bytes a read asked for
 * @param layer layer the accessed file comes from
 */
public record TimelineEvent(long t, int file, String kind, long offset, long length, int layer) {}
