package dev.tracefetch.oci.registry;

import dev.tracefetch.oci.image.ContentNotFoundException;
import dev.tracefetch.oci.image.Descriptor;
import dev.tracefetch.oci.image.Digest;
import dev.tracefetch.oci.image.ImageFormatException;
import dev.tracefetch.oci.image.ImageStore;
import dev.tracefetch.oci.image.MediaTypes;
import dev.tracefetch.oci.image.RawManifest;
import dev.tracefetch.oci.registry.auth.CredentialProvider;
import dev.tracefetch.oci.registry.auth.Credentials;
import dev.tracefetch.oci.registry.auth.DockerConfigCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import okhttp3.OkHttpClient;

/**
 * A client for one OCI registry: the operations the rest of tracefetch needs (pull and push
 * manifests and blobs, ranged blob reads for the lazy filesystem, referrers for trace artifacts),
 * each verified, authenticated, retried and reported with errors that say what failed where.
 *
 * <p>Built once per registry with {@link #builder(String)} and shared between threads. No HTTP
 * library type appears in this API. Close it to release connections.
 *
 * <pre>{@code
 * try (RegistryClient registry = RegistryClient.builder("127.0.0.1:5000").build()) {
 *   RawManifest manifest = registry.pullManifest("app", "latest");
 *   byte[] chunk = registry.fetchBlobRange("app", layerDigest, 4 << 20, 65536);
 * }
 * }</pre>
 */
public final class RegistryClient implements AutoCloseable {
  private final RegistryCaller caller;
  private final OkHttpClient http;
  private final RetryPolicy retry;
  private final BlobPusher blobPusher;
  private final Referrers referrers;

  private RegistryClient(Builder b) {
    RegistryAddress address = RegistryAddress.parse(b.registry, b.insecure);
    this.http = RegistryCaller.newHttpClient(b.timeouts);
    this.retry = b.retry;
    CredentialProvider creds = CredentialProvider.firstOf(b.credentialProviders);
    this.caller =
        new RegistryCaller(
            address,
            http,
            creds,
            b.retry,
            b.timeouts,
            new RegistryCounters(),
            b.sleeper,
            b.random,
            b.clock);
    this.blobPusher =
        new BlobPusher(caller, b.retry, b.chunkedThreshold, b.chunkSize, b.sleeper, b.random);
    this.referrers = new Referrers(caller);
  }

  /**
   * A builder for a client of {@code registry} ({@code host[:port]}, e.g. {@code 127.0.0.1:5000}).
   */
  public static Builder builder(String registry) {
    return new Builder(registry);
  }

  /** The registry, as {@code host[:port]}. */
  public String registry() {
    return caller.address().name();
  }

  /** Where and how the registry is reached (scheme follows the loopback/insecure rule). */
  public RegistryAddress address() {
    return caller.address();
  }

  /** Requests and bytes this client has cost so far. */
  public RegistryCounters counters() {
    return caller.counters();
  }

  /** Checks that the registry answers the distribution API and accepts the credentials. */
  public void ping() throws RegistryException {
    try {
      caller.call(new PingEndpoint());
    } catch (RegistryException e) {
      throw e;
    } catch (IOException e) {
      throw new RegistryProtocolException(
          RegistryFailure.of("ping registry", registry(), null, null), e.getMessage(), e);
    }
  }

  // ---- manifests and tags -------------------------------------------------------------------

  /**
   * The manifest or index {@code reference} (tag or {@code sha256:} digest) names, as exact bytes,
   * verified against the digest (by digest) or the registry's {@code Docker-Content-Digest} (by
   * tag).
   *
   * @throws ManifestUnknownException if there is no such tag or manifest
   * @throws dev.tracefetch.oci.image.DigestMismatchException if the bytes do not match
   */
  public RawManifest pullManifest(String repository, String reference) throws IOException {
    String repo = RepositoryNames.repository(repository);
    String ref = RepositoryNames.reference(reference);
    ManifestPuller.Fetched f =
        caller.call(new ManifestPuller(registry(), repo, ref, MediaTypes.MANIFEST_ACCEPT));
    try {
      return RawManifest.of(f.contentType(), f.bytes());
    } catch (ImageFormatException e) {
      throw new ImageFormatException(
          "manifest " + ref + " in " + registry() + "/" + repo + ": " + e.getMessage(), e);
    }
  }

  /**
   * What {@code reference} resolves to (media type, digest, size) without downloading the manifest,
   * or empty if it does not exist. Falls back to a GET when the registry's HEAD answer lacks a
   * digest, type or size.
   */
  public Optional<Descriptor> headManifest(String repository, String reference) throws IOException {
    String repo = RepositoryNames.repository(repository);
    String ref = RepositoryNames.reference(reference);
    ManifestChecker.Head h =
        caller.call(new ManifestChecker(repo, ref, MediaTypes.MANIFEST_ACCEPT));
    if (!h.found()) {
      return Optional.empty();
    }
    if (h.digest() == null
        || h.size() < 0
        || h.mediaType() == null
        || !(MediaTypes.isManifest(h.mediaType()) || MediaTypes.isIndex(h.mediaType()))) {
      return Optional.of(pullManifest(repo, ref).descriptor());
    }
    return Optional.of(Descriptor.of(h.mediaType(), h.digest(), h.size()));
  }

  /**
   * Pushes {@code manifest} under {@code reference}; see {@link #pushManifest(String, String,
   * String, byte[])}.
   */
  public Digest pushManifest(String repository, String reference, RawManifest manifest)
      throws IOException {
    return pushManifest(repository, reference, manifest.mediaType(), manifest.bytes());
  }

  /**
   * Pushes a manifest or index under {@code reference} (a tag, or its own digest) and returns its
   * digest. The bytes are sent exactly as given. If the document has a {@code subject} and the
   * registry does not process subjects itself (no {@code OCI-Subject} answer), the subject's {@code
   * sha256-<hex>} referrers tag is updated so {@link #referrers} finds it.
   */
  public Digest pushManifest(String repository, String reference, String mediaType, byte[] bytes)
      throws IOException {
    String repo = RepositoryNames.repository(repository);
    String ref = RepositoryNames.reference(reference);
    Objects.requireNonNull(mediaType, "mediaType");
    if (bytes.length > ManifestPuller.MAX_MANIFEST_SIZE) {
      throw new IllegalArgumentException(
          "manifest of " + bytes.length + " bytes exceeds " + ManifestPuller.MAX_MANIFEST_SIZE);
    }
    Digest digest = Digest.of(bytes);
    if (RepositoryNames.isDigest(ref) && !ref.equals(digest.toString())) {
      throw new IllegalArgumentException(
          "cannot push a manifest with digest " + digest + " under digest " + ref);
    }
    byte[] copy = bytes.clone();
    ManifestPusher.Pushed pushed = caller.call(new ManifestPusher(repo, ref, mediaType, copy));
    if (!pushed.subjectProcessed()) {
      referrers.afterPush(repo, mediaType, copy, pushed.digest());
    }
    return pushed.digest();
  }

  /**
   * Descriptors of the manifests in {@code repository} whose {@code subject} is {@code subject},
   * optionally only those of {@code artifactType} (null for all). Uses the referrers API, or the
   * {@code sha256-<hex>} tag schema where the registry has no such API.
   */
  public List<Descriptor> referrers(String repository, Digest subject, String artifactType)
      throws IOException {
    return referrers.list(RepositoryNames.repository(repository), subject, artifactType);
  }

  /**
   * A read-only {@link ImageStore} view of one repository, for code that consumes images without
   * caring whether they come from a registry or an OCI layout.
   */
  public ImageStore imageStore(String repository) {
    String repo = RepositoryNames.repository(repository);
    return new ImageStore() {
      @Override
      public RawManifest manifest(String reference) throws IOException {
        try {
          return pullManifest(repo, reference);
        } catch (RegistryNotFoundException e) {
          throw new ContentNotFoundException(e.getMessage());
        }
      }

      @Override
      public InputStream blob(Digest digest) throws IOException {
        try {
          return fetchBlob(repo, digest);
        } catch (RegistryNotFoundException e) {
          throw new ContentNotFoundException(e.getMessage());
        }
      }

      @Override
      public String toString() {
        return registry() + "/" + repo;
      }
    };
  }

  /** All tags of the repository, following pagination. */
  public List<String> listTags(String repository) throws IOException {
    String repo = RepositoryNames.repository(repository);
    List<String> tags = new ArrayList<>();
    okhttp3.HttpUrl page = null;
    for (int pages = 0; pages < 10_000; pages++) {
      TagLister.Page p = caller.call(new TagLister(repo, page));
      tags.addAll(p.tags());
      if (p.next() == null) {
        return List.copyOf(tags);
      }
      page = p.next();
    }
    throw new RegistryProtocolException(
        RegistryFailure.of("list tags", registry(), repo, null), "more than 10000 pages of tags");
  }

  // ---- blobs ------------------------------------------------------------------------------

  /** Whether {@code repository} has the blob. */
  public boolean blobExists(String repository, Digest digest) throws IOException {
    return blobSize(repository, digest).isPresent();
  }

  /** The blob's size if the repository has it (-1 if the registry does not say), else empty. */
  public OptionalLong blobSize(String repository, Digest digest) throws IOException {
    return caller.call(new BlobChecker(RepositoryNames.repository(repository), digest));
  }

  /**
   * The blob as a stream that is checked against {@code digest} as it is read: its last bytes are
   * only handed out once the whole content matched, otherwise reading ends in a {@link
   * dev.tracefetch.oci.image.DigestMismatchException}. A dropped connection is resumed with a
   * ranged request. The caller closes the stream.
   */
  public InputStream fetchBlob(String repository, Digest digest) throws IOException {
    return openVerified(RepositoryNames.repository(repository), digest, -1);
  }

  /** Like {@link #fetchBlob(String, Digest)}, also checking the descriptor's size. */
  public InputStream fetchBlob(String repository, Descriptor descriptor) throws IOException {
    return openVerified(
        RepositoryNames.repository(repository), descriptor.digest(), descriptor.size());
  }

  /**
   * Downloads the blob to {@code target}: into a temporary file next to it, verified, then moved
   * into place, so {@code target} never holds partial or corrupt content.
   */
  public void fetchBlob(String repository, Digest digest, Path target) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".part");
    try {
      try (InputStream in = fetchBlob(repository, digest);
          OutputStream out = Files.newOutputStream(tmp)) {
        in.transferTo(out);
      }
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Bytes {@code [offset, offset+length)} of the blob (fewer only if the blob ends before). The
   * registry's partial answer cannot be checked against the blob digest; callers check chunks
   * against their own digests. If the registry ignores the range and sends the whole blob, that is
   * verified before the slice is returned.
   */
  public byte[] fetchBlobRange(String repository, Digest digest, long offset, int length)
      throws IOException {
    if (offset < 0 || length <= 0) {
      throw new IllegalArgumentException(
          "invalid blob range: offset " + offset + ", length " + length);
    }
    return caller.call(
        new BlobRangePuller(
            registry(), RepositoryNames.repository(repository), digest, offset, length));
  }

  /**
   * Bytes {@code [offset, offset+length)} of the blob, handed to {@code consumer} while they arrive
   * (see {@link BlobRangeConsumer}); checked like {@link #fetchBlobRange}.
   */
  public void streamBlobRange(
      String repository, Digest digest, long offset, int length, BlobRangeConsumer consumer)
      throws IOException {
    if (offset < 0 || length <= 0) {
      throw new IllegalArgumentException(
          "invalid blob range: offset " + offset + ", length " + length);
    }
    caller.call(
        new BlobRangePuller(
            registry(),
            RepositoryNames.repository(repository),
            digest,
            offset,
            length,
            java.util.Objects.requireNonNull(consumer, "consumer")));
  }

  /**
   * Pushes a blob unless the repository has it already: one PUT up to the chunked-upload threshold,
   * PATCHed chunks above it.
   */
  public BlobPushResult pushBlob(String repository, Digest digest, BlobSource source)
      throws IOException {
    return blobPusher.push(RepositoryNames.repository(repository), digest, source, null);
  }

  /**
   * Pushes a blob, first trying to mount it from {@code mountFrom} (same registry); if the registry
   * does not mount it, the upload session it opened is used to upload it.
   */
  public BlobPushResult pushBlob(
      String repository, Digest digest, BlobSource source, String mountFrom) throws IOException {
    return blobPusher.push(
        RepositoryNames.repository(repository),
        digest,
        source,
        RepositoryNames.repository(mountFrom));
  }

  /**
   * Mounts a blob from another repository of this registry without uploading it.
   *
   * @return false if the registry did not mount it (its upload session is cancelled)
   */
  public boolean mountBlob(String repository, Digest digest, String fromRepository)
      throws IOException {
    String repo = RepositoryNames.repository(repository);
    BlobUploadStarter.Outcome outcome =
        caller.call(
            new BlobUploadStarter(repo, digest, RepositoryNames.repository(fromRepository)));
    if (outcome instanceof BlobUploadStarter.Session s) {
      try {
        caller.call(new BlobUploadCanceller(repo, s.location()));
      } catch (IOException ignored) {
        // Best effort: the registry expires abandoned sessions.
      }
      return false;
    }
    return true;
  }

  private InputStream openVerified(String repository, Digest digest, long expectedSize)
      throws IOException {
    BlobPuller.Body first = caller.call(new BlobPuller(repository, digest, 0));
    long size = expectedSize >= 0 ? expectedSize : first.length();
    InputStream resuming =
        new ResumingInputStream(
            first.stream(),
            offset -> caller.call(new BlobPuller(repository, digest, offset)).stream(),
            retry.maxAttempts() - 1);
    return new VerifyingInputStream(
        resuming, digest, size, "blob " + digest + " in " + registry() + "/" + repository);
  }

  @Override
  public void close() {
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  /** Configures a {@link RegistryClient}. */
  public static final class Builder {
    private final String registry;
    private final List<CredentialProvider> credentialProviders = new ArrayList<>();
    private Credentials explicit;
    private Set<String> insecure = Set.of();
    private RegistryTimeouts timeouts = RegistryTimeouts.defaults();
    private RetryPolicy retry = RetryPolicy.defaults();
    private long chunkedThreshold = 64L << 20;
    private long chunkSize = 16L << 20;
    private Sleeper sleeper = Sleeper.REAL;
    private Random random = new SecureRandom();
    private Clock clock = Clock.systemUTC();

    private Builder(String registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Credentials to use (e.g. from flags); they take precedence over a Docker config. */
    public Builder credentials(Credentials credentials) {
      this.explicit = Objects.requireNonNull(credentials, "credentials");
      return this;
    }

    /** Another source of credentials, consulted after the explicit ones, in order added. */
    public Builder credentials(CredentialProvider provider) {
      credentialProviders.add(Objects.requireNonNull(provider, "provider"));
      return this;
    }

    /**
     * Reads credentials from a Docker {@code config.json} (see {@link DockerConfigCredentials}).
     */
    public Builder dockerConfig(Path configJson) throws IOException {
      return credentials(DockerConfigCredentials.load(configJson));
    }

    /** Registries ({@code host} or {@code host:port}) that may be reached over plain HTTP. */
    public Builder insecureRegistries(Collection<String> registries) {
      this.insecure = Set.copyOf(registries);
      return this;
    }

    public Builder timeouts(RegistryTimeouts timeouts) {
      this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
      return this;
    }

    public Builder retryPolicy(RetryPolicy retry) {
      this.retry = Objects.requireNonNull(retry, "retry");
      return this;
    }

    /**
     * Blobs larger than {@code threshold} bytes are uploaded in PATCH chunks of {@code chunkSize}
     * bytes (defaults 64 MiB and 16 MiB).
     */
    public Builder chunkedUploads(long threshold, long chunkSize) {
      if (threshold < 0 || chunkSize <= 0) {
        throw new IllegalArgumentException(
            "invalid chunked upload settings: threshold " + threshold + ", chunk " + chunkSize);
      }
      this.chunkedThreshold = threshold;
      this.chunkSize = chunkSize;
      return this;
    }

    Builder sleeper(Sleeper sleeper) {
      this.sleeper = sleeper;
      return this;
    }

    Builder random(Random random) {
      this.random = random;
      return this;
    }

    Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /**
     * @throws IllegalArgumentException for a malformed registry, or plain HTTP to a registry that
     *     is neither loopback nor listed as insecure
     */
    public RegistryClient build() {
      if (explicit != null) {
        credentialProviders.add(0, CredentialProvider.of(explicit));
        explicit = null;
      }
      return new RegistryClient(this);
    }
  }
}
