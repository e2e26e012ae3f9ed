package dev.tracefetch.recorder.upload;

/**
 * The store's answer to an accepted upload.
 *
 * @param contentDigest sha256 of the uploaded bytes, as computed here
 * @param duplicate true when the store already had these exact bytes (HTTP 200), false when it
 *     stored them now (HTTP 201)
 * @param body the store's JSON answer, for display
 */
public record UploadResult(String contentDigest, boolean duplicate, String body) {}
