package dev.tracefetch.replayer.hook;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What the hook reads from the bundle's {@code config.json}: where the root file system is and the
 * container's annotations (where runtimes put the image name and our app annotation).
 *
 * @param root absolute path of the root file system ({@code root.path}, resolved against the bundle
 *     when relative)
 * @param annotations the config's annotations
 */
public record BundleConfig(Path root, Map<String, String> annotations) {
  /** Largest config.json read. */
  public static final int MAX_BYTES = 4 << 20;

  public BundleConfig {
    Objects.requireNonNull(root, "root");
    annotations = Map.copyOf(annotations);
  }

  /** Reads {@code <bundle>/config.json}. */
  public static BundleConfig read(Path bundle) throws HookInputException {
    Path file = bundle.resolve("config.json");
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_BYTES + 1);
    } catch (NoSuchFileException e) {
      throw new HookInputException("bundle has no config.json: " + file, e);
    } catch (IOException e) {
      throw new HookInputException("cannot read " + file + ": " + e.getMessage(), e);
    }
    if (bytes.length > MAX_BYTES) {
      throw new HookInputException(file + " is larger than the limit of " + MAX_BYTES + " bytes");
    }
    JsonNode node = HookJson.readObject(bytes, file.toString());
    JsonNode root = node.get("root");
    String rootPath = root == null ? null : HookJson.text(root, "path");
    if (rootPath == null || rootPath.isBlank()) {
      throw new HookInputException(file + " has no root.path");
    }
    return new BundleConfig(
        bundle.resolve(rootPath).normalize(), HookJson.stringMap(node, "annotations"));
  }
}
