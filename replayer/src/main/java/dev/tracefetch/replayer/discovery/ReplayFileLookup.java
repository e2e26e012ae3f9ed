package dev.tracefetch.replayer.discovery;

import dev.tracefetch.api.files.ReplayFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;

/** {@code --replay FILE}: a replay file the operator put on the node. */
final class ReplayFileLookup implements PlanLookup {

  @Override
  public LookupResult find(MountedImage image, PlanQuery query) throws IOException {
    if (query.replayFile() == null) {
      return LookupResult.absent("no replay file given");
    }
    if (!Files.exists(query.replayFile())) {
      throw new NoSuchFileException(query.replayFile().toString(), null, "replay file not found");
    }
    long size = Files.size(query.replayFile());
    if (size > PlanDiscovery.MAX_PLAN_BYTES) {
      throw new IOException(
          "replay file "
              + query.replayFile()
              + " is "
              + size
              + " bytes, more than the limit of "
              + PlanDiscovery.MAX_PLAN_BYTES);
    }
    return LookupResult.found(
        ReplayFiles.read(query.replayFile(), PlanDiscovery.READ_LIMITS),
        "file:" + query.replayFile().toAbsolutePath());
  }
}
