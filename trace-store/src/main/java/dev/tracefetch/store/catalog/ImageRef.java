package dev.tracefetch.store.catalog;

/**
 * An image row: the key every trace, score and plan hangs off.
 *
 * @param id database id
 * @param app app name
 * @param manifestDigest image manifest digest
 * @param imageReference reference given at first upload
 */
public record ImageRef(long id, String app, String manifestDigest, String imageReference) {}
