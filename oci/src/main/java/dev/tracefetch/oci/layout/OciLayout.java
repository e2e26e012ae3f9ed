package dev.tracefetch.oci.layout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tracefetch.oci.image.ContentNotFoundException;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.DigestMismatchException;
import dev.tracefetch.oci.image.ImageFormatException;
import dev.tracefetch.oci.image.ImageIndex;
import dev.tracefetch.oci.image.ImageStore;
import dev.tracefetch.oci.image.MediaTypes;
import dev.tracefetch.oci.image.OciLayoutReference;
import dev.tracefetch.oci.image.Platform;
import dev.tracefetch.oci.image.RawManifest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An OCI image layout directory ({@code oci-layout}, {@code index.json}, {@code
 * blobs/sha256/<hex>}) as skopeo and umoci read and write it: the second image source next to a
 * registry, used for local test images and air-gapped copies.
 *
 * <p>Reads verify every blob against its digest. Writes never expose partial content: blobs and
 * {@code index.json} are written to a temporary file in the layout directory, flushed to disk and
 * renamed into place, so a concurrent reader (or a crash) sees the old or the new state only. Index
 * updates within this JVM are serialised per directory; other processes writing the same layout at
 * the same time are not coordinated with.
 */
public final class OciLayout implements ImageStore {
  /** Name of the layout marker file. */
  public static final String LAYOUT_FILE = "oci-layout";

  /** Name of the top-level index. */
  public static final String INDEX_FILE = "index.json";

  /** The only layout version of the image spec. */
  public static final String LAYOUT_VERSION = "1.0.0";

  /** The annotation that gives an index.json entry its tag. */
  public static final String REF_NAME = "org.opencontainers.image.ref.name";

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Map<Path, Object> INDEX_LOCKS = new ConcurrentHashMap<>();

  private final Path directory;
  private final BlobFiles blobs;

  private OciLayout(Path directory) {
    this.directory = directory;
    this.blobs = new BlobFiles(directory);
  }

  /**
   * Opens an existing layout.
   *
   * @throws ImageFormatException if {@code directory} is not an OCI image layout (version 1.0.0)
   */
  public static OciLayout open(Path directory) throws IOException {
    Path dir = directory.toAbsolutePath().normalize();
    Path marker = dir.resolve(LAYOUT_FILE);
    if (!Files.isRegularFile(marker)) {
      throw new ImageFormatException(
          "not an OCI image layout: " + dir + " has no " + LAYOUT_FILE + " file");
    }
    checkLayoutVersion(marker);
    if (!Files.isRegularFile(dir.resolve(INDEX_FILE))) {
      throw new ImageFormatException(
          "not an OCI image layout: " + dir + " has no " + INDEX_FILE + " file");
    }
    return new OciLayout(dir);
  }

  /**
   * Opens the layout at {@code directory}, creating an empty one (with parent directories) if the
   * directory is missing or empty.
   *
   * @throws ImageFormatException if the directory has other content but is no layout
   */
  public static OciLayout create(Path directory) throws IOException {
    Path dir = directory.toAbsolutePath().normalize();
    synchronized (lockFor(dir)) {
      if (Files.isRegularFile(dir.resolve(LAYOUT_FILE))) {
        return open(dir);
      }
      Files.createDirectories(dir);
      try (var entries = Files.list(dir)) {
        if (entries.findAny().isPresent()) {
          throw new ImageFormatException(
              "cannot create OCI image layout in "
                  + dir
                  + ": directory is not empty and has no "
                  + LAYOUT_FILE
                  + " file");
        }
      }
      Files.createDirectories(dir.resolve("blobs").resolve("sha256"));
      AtomicFiles.write(dir.resolve(INDEX_FILE), ImageIndex.oci(List.of()).toJson());
      AtomicFiles.write(
          dir.resolve(LAYOUT_FILE),
          ("{\"imageLayoutVersion\":\"" + LAYOUT_VERSION + "\"}").getBytes(StandardCharsets.UTF_8));
      return new OciLayout(dir);
    }
  }

  /** The layout directory (absolute). */
  public Path directory() {
    return directory;
  }

  /** {@code index.json}, parsed. */
  public ImageIndex index() throws IOException {
    return ImageIndex.parse(MediaTypes.OCI_INDEX, readIndexBytes());
  }

  /** The tags ({@code org.opencontainers.image.ref.name}) in index order, without duplicates. */
  public List<String> tags() throws IOException {
    LinkedHashSet<String> tags = new LinkedHashSet<>();
    for (Descriptor d : index().manifests()) {
      String tag = d.annotations().get(REF_NAME);
      if (tag != null) {
        tags.add(tag);
      }
    }
    return List.copyOf(tags);
  }

  /** The index.json entry tagged {@code tag}, if any. */
  public Optional<Descriptor> find(String tag) throws IOException {
    List<Descriptor> found = new ArrayList<>();
    for (Descriptor d : index().manifests()) {
      if (tag.equals(d.annotations().get(REF_NAME))) {
        found.add(d);
      }
    }
    if (found.size() > 1) {
      throw new ImageFormatException(
          "tag '" + tag + "' names " + found.size() + " manifests in OCI layout " + directory);
    }
    return found.stream().findFirst();
  }

  /**
   * The manifest a tag (or a digest, {@code sha256:...}) names, verified against its digest.
   *
   * @throws ContentNotFoundException naming the tag and the tags that exist
   */
  @Override
  public RawManifest manifest(String reference) throws IOException {
    Objects.requireNonNull(reference, "reference");
    if (reference.startsWith("sha256:")) {
      Digest digest = Digest.parse(reference);
      String mediaType = null;
      for (Descriptor d : index().manifests()) {
        if (d.digest().equals(digest)) {
          mediaType = d.mediaType();
        }
      }
      byte[] bytes = blobs.readSmall(digest, -1, RawManifest.MAX_SIZE, "manifest");
      return RawManifest.of(mediaType, bytes);
    }
    Descriptor entry =
        find(reference)
            .orElseThrow(
                () ->
                    new ContentNotFoundException(
                        "tag '"
                            + reference
                            + "' not found in OCI layout "
                            + directory
                            + "; tags: "
                            + tagsForMessage()));
    return manifest(entry);
  }

  /** The manifest {@code descriptor} points at, verified against its digest and size. */
  public RawManifest manifest(Descriptor descriptor) throws IOException {
    if (descriptor.size() > RawManifest.MAX_SIZE) {
      throw new ImageFormatException(
          "manifest "
              + descriptor.digest()
              + " in OCI layout "
              + directory
              + " is "
              + descriptor.size()
              + " bytes, larger than the limit of "
              + RawManifest.MAX_SIZE);
    }
    byte[] bytes =
        blobs.readSmall(descriptor.digest(), descriptor.size(), RawManifest.MAX_SIZE, "manifest");
    return RawManifest.of(descriptor.mediaType(), bytes);
  }

  /**
   * The image manifest for {@code platform} that {@code tag} names, following indexes. A null tag
   * is allowed when the layout holds exactly one entry, as skopeo allows for {@code oci:DIR}.
   */
  public RawManifest resolve(String tag, Platform platform) throws IOException {
    if (tag != null) {
      return resolveImage(tag, platform);
    }
    List<Descriptor> entries = index().manifests();
    if (entries.size() != 1) {
      throw new ContentNotFoundException(
          "OCI layout "
              + directory
              + " holds "
              + entries.size()
              + " images; name one of the tags: "
              + tagsForMessage());
    }
    return resolveImage(entries.get(0).digest().toString(), platform);
  }

  @Override
  public InputStream blob(Digest digest) throws IOException {
    return blobs.open(digest);
  }

  /** The whole blob {@code descriptor} points at, verified (digest and size) before returning. */
  public byte[] readBlob(Descriptor descriptor) throws IOException {
    if (descriptor.size() > Integer.MAX_VALUE - 16) {
      throw new IOException(
          "blob "
              + descriptor.digest()
              + " is too large to read into memory: "
              + descriptor.size());
    }
    return blobs.readSmall(descriptor.digest(), descriptor.size(), (int) descriptor.size(), "blob");
  }

  public boolean hasBlob(Digest digest) {
    return Files.isRegularFile(blobs.path(digest));
  }

  /** Where the blob {@code digest} lives (whether or not it exists). */
  public Path blobPath(Digest digest) {
    return blobs.path(digest);
  }

  /** Stores {@code content} and returns its descriptor under {@code mediaType}. */
  public Descriptor writeBlob(String mediaType, byte[] content) throws IOException {
    return writeBlob(mediaType, new ByteArrayInputStream(content));
  }

  /**
   * Stores everything {@code content} yields and returns its descriptor under {@code mediaType}.
   */
  public Descriptor writeBlob(String mediaType, InputStream content) throws IOException {
    BlobFiles.Written w = blobs.write(content, null, -1);
    return Descriptor.of(mediaType, w.digest(), w.size());
  }

  /**
   * Stores {@code content} only if it matches {@code expected} (digest and size); otherwise nothing
   * is stored and {@link DigestMismatchException} is thrown. For copying blobs in.
   */
  public Descriptor writeBlob(Descriptor expected, InputStream content) throws IOException {
    blobs.write(content, expected.digest(), expected.size());
    return expected;
  }

  /** Stores a manifest's exact bytes and returns its descriptor. */
  public Descriptor writeManifest(RawManifest manifest) throws IOException {
    blobs.write(manifest.openStream(), manifest.digest(), manifest.size());
    return manifest.descriptor();
  }

  /**
   * Points {@code tag} at the stored manifest {@code manifest}, replacing any entry with that tag
   * and keeping every other entry of {@code index.json} as it was. The manifest blob must exist and
   * match the descriptor (it is read and checked), so a tag never names missing content.
   *
   * @throws ContentNotFoundException if the manifest blob is not in the layout
   */
  public void tag(String tag, Descriptor manifest) throws IOException {
    OciLayoutReference.checkTag(tag);
    if (!MediaTypes.isManifest(manifest.mediaType()) && !MediaTypes.isIndex(manifest.mediaType())) {
      throw new IllegalArgumentException(
          "cannot tag '" + tag + "': " + manifest.mediaType() + " is not a manifest media type");
    }
    if (!hasBlob(manifest.digest())) {
      throw new ContentNotFoundException(
          "cannot tag '"
              + tag
              + "': manifest "
              + manifest.digest()
              + " is not stored in OCI layout "
              + directory);
    }
    manifest(manifest).parse(); // digest, size, media type and structure are checked here
    Map<String, String> annotations = new java.util.LinkedHashMap<>(manifest.annotations());
    annotations.put(REF_NAME, tag);
    Descriptor entry =
        new Descriptor(
            manifest.mediaType(),
            manifest.digest(),
            manifest.size(),
            annotations,
            manifest.artifactType(),
            manifest.platform());
    synchronized (lockFor(directory)) {
      ObjectNode root = readIndexTree();
      ArrayNode manifests = (ArrayNode) root.get("manifests");
      ArrayNode kept = MAPPER.createArrayNode();
      for (JsonNode n : manifests) {
        if (!tag.equals(n.path("annotations").path(REF_NAME).textValue())) {
          kept.add(n);
        }
      }
      kept.add(MAPPER.readTree(entry.toJson()));
      root.set("manifests", kept);
      byte[] json = MAPPER.writeValueAsBytes(root);
      ImageIndex.parse(MediaTypes.OCI_INDEX, json); // never write an index we cannot read back
      AtomicFiles.write(directory.resolve(INDEX_FILE), json);
    }
  }

  private ObjectNode readIndexTree() throws IOException {
    byte[] bytes = readIndexBytes();
    ImageIndex.parse(MediaTypes.OCI_INDEX, bytes); // validates before we edit it
    return (ObjectNode) MAPPER.readTree(bytes);
  }

  private byte[] readIndexBytes() throws IOException {
    Path index = directory.resolve(INDEX_FILE);
    try {
      return Files.readAllBytes(index);
    } catch (NoSuchFileException e) {
      throw new ImageFormatException("not an OCI image layout: " + index + " is missing", e);
    }
  }

  private String tagsForMessage() {
    try {
      List<String> tags = tags();
      return tags.isEmpty() ? "(none)" : String.join(", ", tags);
    } catch (IOException e) {
      return "(unreadable index.json: " + e.getMessage() + ")";
    }
  }

  private static void checkLayoutVersion(Path marker) throws IOException {
    JsonNode node;
    try {
      node = MAPPER.readTree(Files.readAllBytes(marker));
    } catch (IOException e) {
      throw new ImageFormatException("malformed " + marker + ": " + e.getMessage(), e);
    }
    JsonNode version = node == null ? null : node.get("imageLayoutVersion");
    if (version == null || !version.isTextual()) {
      throw new ImageFormatException("malformed " + marker + ": no imageLayoutVersion");
    }
    if (!LAYOUT_VERSION.equals(version.textValue())) {
      throw new ImageFormatException(
          "unsupported OCI image layout version '"
              + version.textValue()
              + "' in "
              + marker
              + ", expected "
              + LAYOUT_VERSION);
    }
  }

  private static Object lockFor(Path dir) {
    return INDEX_LOCKS.computeIfAbsent(dir, d -> new Object());
  }

  @Override
  public String toString() {
    return "oci:" + directory;
  }
}
