package dev.tracefetch.oci.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An image's config blob (OCI image config or Docker container image v1): platform, layer diff_ids,
 * history and the runtime defaults (env, entrypoint, cmd, working dir, user, labels).
 *
 * <p>It keeps the whole JSON tree, not just the typed fields: builders rewrite configs (append a
 * layer's diff_id and history entry) and must not lose fields this class does not know
 * (healthcheck, volumes, vendor extensions). Typed getters read from the tree; {@code with...}
 * methods return a modified copy. Immutable: the tree is never handed out.
 */
public final class ImageConfig {
  private static final String WHERE = "image config";

  private final ObjectNode tree;

  private ImageConfig(ObjectNode tree) {
    this.tree = tree;
  }

  /**
   * Parses a config blob, checking the fields this class reads (types, diff_id digests).
   *
   * @throws ImageFormatException naming the malformed field
   */
  public static ImageConfig parse(byte[] bytes) throws ImageFormatException {
    ImageConfig config = new ImageConfig(Json.readObject(bytes, WHERE));
    config.validate();
    return config;
  }

  /** A minimal config for {@code platform} with no layers, as a builder's starting point. */
  public static ImageConfig empty(Platform platform) {
    ObjectNode root = Json.NODES.objectNode();
    root.put("architecture", platform.architecture());
    root.put("os", platform.os());
    if (platform.variant() != null) {
      root.put("variant", platform.variant());
    }
    root.putObject("config");
    ObjectNode rootfs = root.putObject("rootfs");
    rootfs.put("type", "layers");
    rootfs.putArray("diff_ids");
    root.putArray("history");
    return new ImageConfig(root);
  }

  private void validate() throws ImageFormatException {
    Json.optionalText(tree, "architecture", WHERE);
    Json.optionalText(tree, "os", WHERE);
    Json.optionalText(tree, "variant", WHERE);
    diffIdsChecked();
    historyChecked();
    ObjectNode c = Json.optionalObject(tree, "config", WHERE);
    if (c != null) {
      String where = WHERE + " config";
      Json.stringList(c, "Env", where);
      Json.stringList(c, "Entrypoint", where);
      Json.stringList(c, "Cmd", where);
      Json.optionalText(c, "WorkingDir", where);
      Json.optionalText(c, "User", where);
      Json.stringMap(c, "Labels", where);
    }
  }

  /** The compact JSON of the tree, unknown fields included, in their original order. */
  public byte[] toJson() {
    return Json.write(tree);
  }

  /** The OCI config descriptor of {@link #toJson()}. */
  public Descriptor descriptor() {
    return Descriptor.ofContent(MediaTypes.OCI_CONFIG, toJson());
  }

  public String architecture() {
    return text(tree, "architecture");
  }

  public String os() {
    return text(tree, "os");
  }

  /** The platform this config declares; {@code linux/amd64} parts default where absent. */
  public Platform platform() {
    String os = os();
    String arch = architecture();
    return new Platform(
        os == null || os.isEmpty() ? "linux" : os,
        arch == null || arch.isEmpty() ? "amd64" : arch,
        text(tree, "variant"));
  }

  /** Uncompressed digests of the layers, base first. */
  public List<Digest> diffIds() {
    try {
      return diffIdsChecked();
    } catch (ImageFormatException e) {
      throw new IllegalStateException(e); // validated at parse time
    }
  }

  public List<HistoryEntry> history() {
    try {
      return historyChecked();
    } catch (ImageFormatException e) {
      throw new IllegalStateException(e); // validated at parse time
    }
  }

  /** {@code config.Env} entries ({@code KEY=value}); empty when unset. */
  public List<String> env() {
    return strings("Env");
  }

  /** {@code config.Entrypoint}; empty when unset. */
  public List<String> entrypoint() {
    return strings("Entrypoint");
  }

  /** {@code config.Cmd}; empty when unset. */
  public List<String> cmd() {
    return strings("Cmd");
  }

  /** {@code config.WorkingDir}; empty when unset. */
  public String workingDir() {
    String s = text(runtimeConfig(), "WorkingDir");
    return s == null ? "" : s;
  }

  /** {@code config.User}; empty when unset. */
  public String user() {
    String s = text(runtimeConfig(), "User");
    return s == null ? "" : s;
  }

  /** {@code config.Labels}; empty when unset. */
  public Map<String, String> labels() {
    try {
      return Json.stringMap(runtimeConfig(), "Labels", WHERE);
    } catch (ImageFormatException e) {
      throw new IllegalStateException(e); // validated at parse time
    }
  }

  /**
   * A copy with one more layer on top: {@code diffId} appended to {@code rootfs.diff_ids} and
   * {@code entry} to {@code history}. Everything else is kept as it was.
   */
  public ImageConfig withAppendedLayer(Digest diffId, HistoryEntry entry) {
    Objects.requireNonNull(diffId, "diffId");
    if (entry != null && entry.emptyLayer()) {
      throw new IllegalArgumentException("history entry of a real layer must not be emptyLayer");
    }
    ObjectNode copy = tree.deepCopy();
    ObjectNode rootfs = objectField(copy, "rootfs");
    if (!rootfs.has("type")) {
      rootfs.put("type", "layers");
    }
    arrayField(rootfs, "diff_ids").add(diffId.toString());
    ImageConfig withLayer = new ImageConfig(copy);
    return entry == null ? withLayer : withLayer.withAppendedHistory(entry);
  }

  /**
   * A copy whose {@code rootfs.diff_ids} are {@code diffIds}, one per existing layer, everything
   * else (history, unknown fields, field order) kept. For converters that re-encode layers (e.g. to
   * eStargz), which changes each layer's uncompressed digest but not the layer count.
   *
   * @throws IllegalArgumentException if the number of diff IDs differs from the current one
   */
  public ImageConfig withDiffIds(List<Digest> diffIds) {
    List<Digest> current = diffIds();
    if (diffIds.size() != current.size()) {
      throw new IllegalArgumentException(
          "image config has "
              + current.size()
              + " diff_ids, cannot replace them with "
              + diffIds.size());
    }
    ObjectNode copy = tree.deepCopy();
    ArrayNode ids = objectField(copy, "rootfs").putArray("diff_ids");
    for (Digest d : diffIds) {
      ids.add(Objects.requireNonNull(d, "diffId").toString());
    }
    return new ImageConfig(copy);
  }

  /**
   * A copy without layer {@code index}: its diff_id is removed and, when the history has one
   * non-empty entry per layer, the matching history entry too. The inverse of {@link
   * #withAppendedLayer} for builders that replace or strip a layer they added.
   *
   * @throws IllegalArgumentException if there is no such layer
   */
  public ImageConfig withoutLayer(int index) {
    List<Digest> current = diffIds();
    if (index < 0 || index >= current.size()) {
      throw new IllegalArgumentException(
          "image config has " + current.size() + " diff_ids, no layer " + index);
    }
    ObjectNode copy = tree.deepCopy();
    ((ArrayNode) objectField(copy, "rootfs").get("diff_ids")).remove(index);
    JsonNode history = copy.get("history");
    if (history != null && history.isArray()) {
      ArrayNode array = (ArrayNode) history;
      List<Integer> layerEntries = new ArrayList<>();
      for (int i = 0; i < array.size(); i++) {
        JsonNode empty = array.get(i).get("empty_layer");
        if (empty == null || !empty.asBoolean()) {
          layerEntries.add(i);
        }
      }
      if (layerEntries.size() == current.size()) {
        array.remove(layerEntries.get(index));
      }
    }
    return new ImageConfig(copy);
  }

  /** A copy with {@code entry} appended to {@code history} (for metadata-only steps). */
  public ImageConfig withAppendedHistory(HistoryEntry entry) {
    ObjectNode copy = tree.deepCopy();
    ObjectNode h = arrayField(copy, "history").addObject();
    putIfNotNull(h, "created", entry.created());
    putIfNotNull(h, "created_by", entry.createdBy());
    putIfNotNull(h, "author", entry.author());
    putIfNotNull(h, "comment", entry.comment());
    if (entry.emptyLayer()) {
      h.put("empty_layer", true);
    }
    return new ImageConfig(copy);
  }

  public ImageConfig withEnv(List<String> env) {
    return withRuntimeField("Env", Json.stringArray(env));
  }

  public ImageConfig withEntrypoint(List<String> entrypoint) {
    return withRuntimeField("Entrypoint", Json.stringArray(entrypoint));
  }

  public ImageConfig withCmd(List<String> cmd) {
    return withRuntimeField("Cmd", Json.stringArray(cmd));
  }

  public ImageConfig withWorkingDir(String workingDir) {
    return withRuntimeField("WorkingDir", Json.NODES.textNode(workingDir));
  }

  public ImageConfig withUser(String user) {
    return withRuntimeField("User", Json.NODES.textNode(user));
  }

  public ImageConfig withLabels(Map<String, String> labels) {
    return withRuntimeField("Labels", Json.stringObject(labels));
  }

  /** A copy with label {@code key} set to {@code value}, other labels kept. */
  public ImageConfig withLabel(String key, String value) {
    ObjectNode copy = tree.deepCopy();
    objectField(objectField(copy, "config"), "Labels").put(key, value);
    return new ImageConfig(copy);
  }

  private ImageConfig withRuntimeField(String field, JsonNode value) {
    ObjectNode copy = tree.deepCopy();
    objectField(copy, "config").set(field, value);
    return new ImageConfig(copy);
  }

  private List<Digest> diffIdsChecked() throws ImageFormatException {
    ObjectNode rootfs = Json.optionalObject(tree, "rootfs", WHERE);
    if (rootfs == null) {
      return List.of();
    }
    List<String> raw = Json.stringList(rootfs, "diff_ids", WHERE + " rootfs");
    List<Digest> out = new ArrayList<>(raw.size());
    for (int i = 0; i < raw.size(); i++) {
      try {
        out.add(Digest.parse(raw.get(i)));
      } catch (IllegalArgumentException e) {
        throw new ImageFormatException(
            WHERE + ": rootfs.diff_ids[" + i + "]: " + e.getMessage(), e);
      }
    }
    return List.copyOf(out);
  }

  private List<HistoryEntry> historyChecked() throws ImageFormatException {
    ArrayNode array = Json.optionalArray(tree, "history", WHERE);
    if (array == null) {
      return List.of();
    }
    List<HistoryEntry> out = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      JsonNode h = array.get(i);
      String where = WHERE + " history[" + i + "]";
      if (!h.isObject()) {
        throw new ImageFormatException(where + " must be an object, got " + h.getNodeType());
      }
      JsonNode empty = h.get("empty_layer");
      if (empty != null && !empty.isNull() && !empty.isBoolean()) {
        throw new ImageFormatException(where + ": field 'empty_layer' must be a boolean");
      }
      out.add(
          new HistoryEntry(
              Json.optionalText(h, "created", where),
              Json.optionalText(h, "created_by", where),
              Json.optionalText(h, "author", where),
              Json.optionalText(h, "comment", where),
              empty != null && empty.asBoolean()));
    }
    return List.copyOf(out);
  }

  private List<String> strings(String field) {
    try {
      return Json.stringList(runtimeConfig(), field, WHERE);
    } catch (ImageFormatException e) {
      throw new IllegalStateException(e); // validated at parse time
    }
  }

  private JsonNode runtimeConfig() {
    JsonNode c = tree.get("config");
    return c != null && c.isObject() ? c : Json.NODES.objectNode();
  }

  private static String text(JsonNode node, String field) {
    JsonNode n = node.get(field);
    return n != null && n.isTextual() ? n.textValue() : null;
  }

  /** The object at {@code field}, created (replacing null) if absent. */
  private static ObjectNode objectField(ObjectNode parent, String field) {
    JsonNode n = parent.get(field);
    return n != null && n.isObject() ? (ObjectNode) n : parent.putObject(field);
  }

  private static ArrayNode arrayField(ObjectNode parent, String field) {
    JsonNode n = parent.get(field);
    return n != null && n.isArray() ? (ArrayNode) n : parent.putArray(field);
  }

  private static void putIfNotNull(ObjectNode node, String field, String value) {
    if (value != null) {
      node.put(field, value);
    }
  }

  /** Configs are equal when their JSON trees are equal (same fields and values). */
  @Override
  public boolean equals(Object o) {
    return o instanceof ImageConfig c && c.tree.equals(tree);
  }

  @Override
  public int hashCode() {
    return tree.hashCode();
  }

  @Override
  public String toString() {
    return "ImageConfig[" + platform() + ", " + diffIds().size() + " layers]";
  }
}
