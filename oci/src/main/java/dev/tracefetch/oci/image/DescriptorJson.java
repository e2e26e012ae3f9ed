package dev.tracefetch.oci.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Descriptor and platform JSON in the field order of the image-spec's Go types (mediaType, digest,
 * size, annotations, platform, artifactType), leaving out empty optional fields as the spec's
 * {@code omitempty} tags do.
 */
final class DescriptorJson {
  private DescriptorJson() {}

  static Descriptor read(JsonNode node, String where) throws ImageFormatException {
    if (node == null || !node.isObject()) {
      throw new ImageFormatException(where + ": descriptor must be a JSON object");
    }
    String mediaType = Json.requiredText(node, "mediaType", where);
    Digest digest = Json.digest(node, "digest", where);
    long size = Json.requiredLong(node, "size", where);
    if (size < 0) {
      throw new ImageFormatException(where + ": field 'size' must be >= 0, got " + size);
    }
    var annotations = Json.stringMap(node, "annotations", where);
    String artifactType = Json.optionalText(node, "artifactType", where);
    ObjectNode p = Json.optionalObject(node, "platform", where);
    Platform platform = p == null ? null : readPlatform(p, where + ".platform");
    return new Descriptor(mediaType, digest, size, annotations, artifactType, platform);
  }

  static Platform readPlatform(JsonNode node, String where) throws ImageFormatException {
    return new Platform(
        Json.requiredText(node, "os", where),
        Json.requiredText(node, "architecture", where),
        emptyToNull(Json.optionalText(node, "variant", where)));
  }

  static ObjectNode write(Descriptor d) {
    ObjectNode node = Json.NODES.objectNode();
    node.put("mediaType", d.mediaType());
    node.put("digest", d.digest().toString());
    node.put("size", d.size());
    if (!d.annotations().isEmpty()) {
      node.set("annotations", Json.stringObject(d.annotations()));
    }
    if (d.platform() != null) {
      node.set("platform", writePlatform(d.platform()));
    }
    if (d.artifactType() != null && !d.artifactType().isEmpty()) {
      node.put("artifactType", d.artifactType());
    }
    return node;
  }

  static ObjectNode writePlatform(Platform p) {
    ObjectNode node = Json.NODES.objectNode();
    node.put("architecture", p.architecture());
    node.put("os", p.os());
    if (p.variant() != null && !p.variant().isEmpty()) {
      node.put("variant", p.variant());
    }
    return node;
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
