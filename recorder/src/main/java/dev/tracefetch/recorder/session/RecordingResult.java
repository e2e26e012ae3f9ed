package dev.tracefetch.recorder.session;

import dev.tracefetch.api.v1.Trace;
import dev.tracefetch.recorder.trace.Outcome;

/**
 * The end of one recording: the trace (possibly partial, then marked incomplete) and how it ended.
 *
 * @param trace the trace, or null when nothing was recorded (the start failed before the mount)
 * @param failure what went wrong in a sentence, or null on success
 * @param imageFileBytes total uncompressed size of the image's regular files
 */
public record RecordingResult(Trace trace, Outcome outcome, String failure, long imageFileBytes) {
  public boolean succeeded() {
    return failure == null;
  }
}
