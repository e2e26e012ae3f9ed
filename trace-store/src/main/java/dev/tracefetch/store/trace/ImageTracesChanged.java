package dev.tracefetch.store.trace;

/**
 * Published inside the transaction that added or removed a trace of an image; listeners that act
 * after commit (plan recomputation) see only changes that really happened.
 *
 * @param imageId the image whose set of traces changed
 */
public record ImageTracesChanged(long imageId) {}
