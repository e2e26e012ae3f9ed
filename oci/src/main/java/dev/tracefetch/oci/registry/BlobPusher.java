package dev.tracefetch.oci.registry;

import dev.tracefetch.oci.image.Digest;
import java.io.IOException;
import java.time.Duration;
import java.util.Random;

/**
 * Drives a blob upload: existence check or cross-repository mount, then POST and either one
 * monolithic PUT or PATCHed chunks closed by a PUT. Upload steps that carry data are never repeated
 * blindly; when one fails for a reason that may pass (5xx, 429, connection), the session is
 * dropped, the registry is asked whether the blob arrived after all, and otherwise the upload
 * starts over from a new session, a bounded number of times.
 */
final class BlobPusher {
  private final RegistryCaller caller;
  private final RetryPolicy retry;
  private final long chunkedThreshold;
  private final long chunkSize;
  private final Sleeper sleeper;
  private final Random random;

  BlobPusher(
      RegistryCaller caller,
      RetryPolicy retry,
      long chunkedThreshold,
      long chunkSize,
      Sleeper sleeper,
      Random random) {
    this.caller = caller;
    this.retry = retry;
    this.chunkedThreshold = chunkedThreshold;
    this.chunkSize = chunkSize;
    this.sleeper = sleeper;
    this.random = random;
  }

  BlobPushResult push(String repository, Digest digest, BlobSource source, String mountFrom)
      throws IOException {
    BlobUploadStarter.Session session = null;
    if (mountFrom != null) {
      BlobUploadStarter.Outcome outcome =
          caller.call(new BlobUploadStarter(repository, digest, mountFrom));
      if (outcome instanceof BlobUploadStarter.Mounted) {
        return BlobPushResult.MOUNTED;
      }
      session = (BlobUploadStarter.Session) outcome;
    } else if (caller.call(new BlobChecker(repository, digest)).isPresent()) {
      return BlobPushResult.ALREADY_PRESENT;
    }
    for (int attempt = 1; ; attempt++) {
      if (session == null) {
        session = (BlobUploadStarter.Session) caller.call(new BlobUploadStarter(repository));
      }
      try {
        upload(repository, digest, source, session);
        return BlobPushResult.UPLOADED;
      } catch (RegistryServerException
          | RegistryRateLimitedException
          | RegistryUnavailableException e) {
        cancelQuietly(repository, session);
        session = null;
        if (attempt >= retry.maxAttempts()) {
          throw e;
        }
        if (caller.call(new BlobChecker(repository, digest)).isPresent()) {
          return BlobPushResult.UPLOADED;
        }
        pause(retry.backoff(attempt, random), e);
      } catch (IOException | RuntimeException e) {
        cancelQuietly(repository, session);
        throw e;
      }
    }
  }

  private void upload(
      String repository, Digest digest, BlobSource source, BlobUploadStarter.Session session)
      throws IOException {
    long size = source.size();
    if (size <= chunkedThreshold) {
      caller.call(new BlobUploadCompleter(repository, digest, session.location(), source));
      return;
    }
    okhttp3.HttpUrl location = session.location();
    for (long offset = 0; offset < size; offset += chunkSize) {
      long length = Math.min(chunkSize, size - offset);
      location =
          caller.call(new BlobChunkUploader(repository, digest, location, source, offset, length));
    }
    caller.call(new BlobUploadCompleter(repository, digest, location, null));
  }

  private void cancelQuietly(String repository, BlobUploadStarter.Session session) {
    if (session == null) {
      return;
    }
    try {
      caller.call(new BlobUploadCanceller(repository, session.location()));
    } catch (IOException | RuntimeException ignored) {
      // Best effort: the registry expires abandoned sessions.
    }
  }

  private void pause(Duration d, RegistryException cause) throws RegistryException {
    caller.counters().countRetry();
    try {
      sleeper.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw cause;
    }
  }
}
