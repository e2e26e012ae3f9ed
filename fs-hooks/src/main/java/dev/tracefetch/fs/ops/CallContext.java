package dev.tracefetch.fs.ops;

/**
 * Who issued an operation, as the kernel reported it to FUSE. Hooks use the pid to attribute
 * accesses to processes; 0 means unknown (for example a call not coming from FUSE).
 *
 * @param pid calling thread group id, 0 if unknown
 * @param uid calling user id
 * @param gid calling group id
 */
public record CallContext(long pid, long uid, long gid) {
  /** A context for calls that did not come through FUSE. */
  public static final CallContext UNKNOWN = new CallContext(0, 0, 0);
}
