package dev.tracefetch.oci.registry;

/** How a blob came to be in the target repository; tests and progress output tell them apart. */
public enum BlobPushResult {
  /** The bytes were sent. */
  UPLOADED,
  /** The repository already had the blob; nothing was sent. */
  ALREADY_PRESENT,
  /** The registry linked the blob from another repository; nothing was sent. */
  MOUNTED
}
