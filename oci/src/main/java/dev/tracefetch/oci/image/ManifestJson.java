package dev.tracefetch.oci.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Manifest and index JSON. Field order follows the image-spec's Go types (schemaVersion, mediaType,
 * artifactType, config/manifests, layers, subject, annotations); required arrays are always
 * written, empty optional fields never.
 */
final class ManifestJson {
  private ManifestJson() {}

  static ImageManifest readManifest(ObjectNode root, String mediaType) throws ImageFormatException {
    String where = "image manifest (" + mediaType + ")";
    checkSchemaVersion(root, where);
    Descriptor config =
        DescriptorJson.read(Json.requiredObject(root, "config", where), where + " config");
    List<Descriptor> layers =
        descriptors(Json.requiredArray(root, "layers", where), where + " layers");
    return new ImageManifest(
        mediaType,
        config,
        layers,
        subject(root, where),
        Json.optionalText(root, "artifactType", where),
        Json.stringMap(root, "annotations", where));
  }

  static ImageIndex readIndex(ObjectNode root, String mediaType) throws ImageFormatException {
    String where = "image index (" + mediaType + ")";
    checkSchemaVersion(root, where);
    List<Descriptor> manifests =
        descriptors(Json.requiredArray(root, "manifests", where), where + " manifests");
    return new ImageIndex(
        mediaType,
        manifests,
        subject(root, where),
        Json.optionalText(root, "artifactType", where),
        Json.stringMap(root, "annotations", where));
  }

  static ObjectNode write(ImageManifest m) {
    ObjectNode root = Json.NODES.objectNode();
    root.put("schemaVersion", ManifestOrIndex.SCHEMA_VERSION);
    root.put("mediaType", m.mediaType());
    if (m.artifactType() != null) {
      root.put("artifactType", m.artifactType());
    }
    root.set("config", DescriptorJson.write(m.config()));
    root.set("layers", descriptorArray(m.layers()));
    if (m.subject() != null) {
      root.set("subject", DescriptorJson.write(m.subject()));
    }
    if (!m.annotations().isEmpty()) {
      root.set("annotations", Json.stringObject(m.annotations()));
    }
    return root;
  }

  static ObjectNode write(ImageIndex i) {
    ObjectNode root = Json.NODES.objectNode();
    root.put("schemaVersion", ManifestOrIndex.SCHEMA_VERSION);
    root.put("mediaType", i.mediaType());
    if (i.artifactType() != null) {
      root.put("artifactType", i.artifactType());
    }
    root.set("manifests", descriptorArray(i.manifests()));
    if (i.subject() != null) {
      root.set("subject", DescriptorJson.write(i.subject()));
    }
    if (!i.annotations().isEmpty()) {
      root.set("annotations", Json.stringObject(i.annotations()));
    }
    return root;
  }

  private static void checkSchemaVersion(ObjectNode root, String where)
      throws ImageFormatException {
    long version = Json.requiredLong(root, "schemaVersion", where);
    if (version != ManifestOrIndex.SCHEMA_VERSION) {
      throw new ImageFormatException(
          where + ": unsupported schemaVersion " + version + ", expected 2");
    }
  }

  private static Descriptor subject(ObjectNode root, String where) throws ImageFormatException {
    ObjectNode s = Json.optionalObject(root, "subject", where);
    return s == null ? null : DescriptorJson.read(s, where + " subject");
  }

  private static List<Descriptor> descriptors(ArrayNode array, String where)
      throws ImageFormatException {
    List<Descriptor> out = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      out.add(DescriptorJson.read(array.get(i), where + "[" + i + "]"));
    }
    return out;
  }

  private static ArrayNode descriptorArray(List<Descriptor> descriptors) {
    ArrayNode array = Json.NODES.arrayNode();
    for (Descriptor d : descriptors) {
      JsonNode n = DescriptorJson.write(d);
      array.add(n);
    }
    return array;
  }
}
