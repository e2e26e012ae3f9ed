package dev.tracefetch.recorder.upload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Gets trace files to the store without ever losing one: an upload that fails for any reason leaves
 * the file in the {@link TraceSpool}, and {@link #flush()} re-sends everything spooled, removing a
 * file only once the store has confirmed it (201 new, or 200 already there).
 */
public final class TraceDelivery {
  private final TraceUploader uploader;
  private final TraceSpool spool;

  public TraceDelivery(TraceUploader uploader, TraceSpool spool) {
    this.uploader = uploader;
    this.spool = spool;
  }

  /** What happened to one trace. */
  public record Delivery(String digest, UploadResult result, Path spooled, UploadException error) {
    public boolean delivered() {
      return result != null;
    }
  }

  /** Uploads {@code traceFile}; on failure spools it and reports where and why. */
  public Delivery send(byte[] traceFile) throws IOException {
    String digest = TraceSpool.digestOf(traceFile);
    try {
      return new Delivery(digest, uploader.upload(traceFile), null, null);
    } catch (UploadException e) {
      Path p = spool.put(traceFile);
      return new Delivery(digest, null, p, e);
    }
  }

  /** Re-sends every spooled trace; delivered ones leave the spool. */
  public List<Delivery> flush() throws IOException {
    List<Delivery> out = new ArrayList<>();
    for (Path p : spool.list()) {
      byte[] bytes = Files.readAllBytes(p);
      String digest = TraceSpool.digestOf(bytes);
      try {
        UploadResult r = uploader.upload(bytes);
        spool.remove(p);
        out.add(new Delivery(digest, r, null, null));
      } catch (UploadException e) {
        out.add(new Delivery(digest, null, p, e));
      }
    }
    return out;
  }
}
