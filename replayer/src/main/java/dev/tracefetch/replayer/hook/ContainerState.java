package dev.tracefetch.replayer.hook;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * The OCI container state a runtime writes to a hook's stdin ({@code ociVersion, id, status, pid,
 * bundle, annotations}). The hook needs the id (for logs), the bundle (for {@code config.json}) and
 * the annotations.
 *
 * @param id container id
 * @param bundle absolute path of the bundle directory
 * @param annotations the state's annotations (often the same as config.json's)
 */
public record ContainerState(String id, Path bundle, Map<String, String> annotations) {
  /** Largest state document read: states are a few KiB. */
  public static final int MAX_BYTES = 1 << 20;

  public ContainerState {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(bundle, "bundle");
    annotations = Map.copyOf(annotations);
  }

  /** Parses the state JSON; fails naming what is missing. */
  public static ContainerState parse(byte[] json) throws HookInputException {
    if (json.length > MAX_BYTES) {
      throw new HookInputException(
          "container state is larger than the limit of " + MAX_BYTES + " bytes");
    }
    JsonNode node = HookJson.readObject(json, "container state");
    String id = HookJson.text(node, "id");
    String bundle = HookJson.text(node, "bundle");
    if (id == null || id.isBlank()) {
      throw new HookInputException("container state has no 'id'");
    }
    if (bundle == null || bundle.isBlank()) {
      throw new HookInputException("container state of " + id + " has no 'bundle'");
    }
    Path bundlePath;
    try {
      bundlePath = Path.of(bundle);
    } catch (InvalidPathException e) {
      throw new HookInputException("container state of " + id + ": bad bundle path " + bundle, e);
    }
    if (!bundlePath.isAbsolute()) {
      throw new HookInputException(
          "container state of " + id + ": bundle path is not absolute: " + bundle);
    }
    return new ContainerState(id, bundlePath, HookJson.stringMap(node, "annotations"));
  }
}
