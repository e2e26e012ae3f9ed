package dev.tracefetch.oci.image;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * What a manifest GET returns: either one image's manifest or a multi-platform index. A registry or
 * a layout answers with either, and only the media type tells which, so parsing starts here.
 */
public sealed interface ManifestOrIndex permits ImageManifest, ImageIndex {

  /** Always 2: the only schema version of OCI and Docker v2 schema 2 documents. */
  int SCHEMA_VERSION = 2;

  /** The media type of this document, one of {@link MediaTypes#MANIFESTS} or INDEXES. */
  String mediaType();

  /** The canonical JSON of this document (compact, stable field order). */
  byte[] toJson();

  /** This document's JSON with its media type, ready to push or write. */
  default RawManifest toRaw() {
    return new RawManifest(mediaType(), toJson());
  }

  /**
   * Parses a manifest or index.
   *
   * @param contentType the media type the document came with (HTTP {@code Content-Type} or a
   *     descriptor's {@code mediaType}); may be null or generic ({@code application/json}), in
   *     which case the document's own {@code mediaType} field decides
   * @param bytes the exact document bytes
   * @throws ImageFormatException naming what was wrong: unknown or conflicting media type,
   *     malformed JSON, missing or invalid fields
   */
  static ManifestOrIndex parse(String contentType, byte[] bytes) throws ImageFormatException {
    ObjectNode root = Json.readObject(bytes, describe(contentType));
    String mediaType = effectiveMediaType(contentType, root);
    if (MediaTypes.isManifest(mediaType)) {
      return ManifestJson.readManifest(root, mediaType);
    }
    return ManifestJson.readIndex(root, mediaType);
  }

  /**
   * The media type a document really has: its own {@code mediaType} field when set (it must then
   * agree with a specific {@code contentType}), else {@code contentType}, else inferred from the
   * fields ({@code manifests} means an OCI index, {@code config} an OCI manifest).
   *
   * @throws ImageFormatException for unknown, conflicting or undeterminable media types
   */
  static String mediaTypeOf(String contentType, byte[] bytes) throws ImageFormatException {
    return effectiveMediaType(contentType, Json.readObject(bytes, describe(contentType)));
  }

  private static String effectiveMediaType(String contentType, ObjectNode root)
      throws ImageFormatException {
    String header = normalise(contentType);
    String field = Json.optionalText(root, "mediaType", describe(contentType));
    if (field != null) {
      if (!isKnown(field)) {
        throw new ImageFormatException(
            "unsupported manifest media type '"
                + field
                + "' in document's mediaType field; supported: "
                + MediaTypes.MANIFEST_ACCEPT);
      }
      if (header != null && isKnown(header) && !header.equals(field)) {
        throw new ImageFormatException(
            "manifest media type conflict: served as '"
                + header
                + "' but its mediaType field says '"
                + field
                + "'");
      }
      return field;
    }
    if (header != null && isKnown(header)) {
      return header;
    }
    if (header != null && !isGeneric(header)) {
      throw new ImageFormatException(
          "unsupported manifest media type '"
              + header
              + "'; supported: "
              + MediaTypes.MANIFEST_ACCEPT);
    }
    if (root.has("manifests")) {
      return MediaTypes.OCI_INDEX;
    }
    if (root.has("config")) {
      return MediaTypes.OCI_MANIFEST;
    }
    throw new ImageFormatException(
        "cannot tell the media type of "
            + describe(contentType)
            + ": no mediaType field and neither 'config' nor 'manifests' present");
  }

  private static boolean isKnown(String mediaType) {
    return MediaTypes.isManifest(mediaType) || MediaTypes.isIndex(mediaType);
  }

  private static boolean isGeneric(String mediaType) {
    return mediaType.equals("application/json")
        || mediaType.equals("text/plain")
        || mediaType.equals("application/octet-stream");
  }

  /** Strips parameters ({@code ; charset=utf-8}) and blanks; null for absent. */
  private static String normalise(String contentType) {
    if (contentType == null) {
      return null;
    }
    int semicolon = contentType.indexOf(';');
    String s = (semicolon >= 0 ? contentType.substring(0, semicolon) : contentType).trim();
    return s.isEmpty() ? null : s.toLowerCase(Locale.ROOT);
  }

  private static String describe(String contentType) {
    String n = normalise(contentType);
    return n == null ? "manifest" : "manifest (" + n + ")";
  }
}
