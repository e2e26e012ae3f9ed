package dev.tracefetch.fs.fuse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a lazy image is mounted. The image never changes while mounted, so the defaults let the
 * kernel cache aggressively: long entry/attribute/negative timeouts and {@code kernel_cache} (page
 * cache kept across opens). {@code default_permissions} makes the kernel enforce the image's modes
 * and owners, as on any local filesystem; {@code allow_other} lets other users (and sandboxes in
 * other namespaces) use the mount and needs root or {@code user_allow_other}. Set-uid bits and
 * device nodes are not honoured by default: the image is untrusted content, and a mount visible on
 * the host must not hand out root. A container normally runs on an overlayfs above this mount,
 * whose own mount flags decide; {@link #withAllowSuid} is for sandboxes that use the mount itself
 * as their root (mount it under a root-only directory then).
 *
 * @param fsName name shown as the mount source
 * @param entryTimeout how long the kernel trusts a name lookup
 * @param attrTimeout how long the kernel trusts attributes
 * @param negativeTimeout how long the kernel remembers that a name does not exist
 * @param kernelCache keep file pages cached across opens
 * @param defaultPermissions let the kernel check modes and owners
 * @param allowOther let users other than the mounting one in
 * @param allowSuid honour set-uid/set-gid bits and file capabilities (root only)
 * @param allowDevices allow device nodes of the image to be opened as devices
 * @param mountTimeout how long to wait for the kernel to accept the mount
 * @param debug run libfuse in debug mode (very verbose, on stderr)
 * @param extraOptions further {@code -o} options passed verbatim
 */
public record MountOptions(
    String fsName,
    Duration entryTimeout,
    Duration attrTimeout,
    Duration negativeTimeout,
    boolean kernelCache,
    boolean defaultPermissions,
    boolean allowOther,
    boolean allowSuid,
    boolean allowDevices,
    Duration mountTimeout,
    boolean debug,
    List<String> extraOptions) {

  public MountOptions {
    Objects.requireNonNull(fsName, "fsName");
    Objects.requireNonNull(entryTimeout, "entryTimeout");
    Objects.requireNonNull(attrTimeout, "attrTimeout");
    Objects.requireNonNull(negativeTimeout, "negativeTimeout");
    Objects.requireNonNull(mountTimeout, "mountTimeout");
    extraOptions = List.copyOf(extraOptions);
    if (!fsName.matches("[A-Za-z0-9._:@/+-]+")) {
      throw new IllegalArgumentException("fsName must be a plain word, got '" + fsName + "'");
    }
    for (String o : extraOptions) {
      if (o.isEmpty() || o.contains(",")) {
        throw new IllegalArgumentException("invalid extra mount option '" + o + "'");
      }
    }
  }

  /** Defaults for an immutable image: one-hour caches, kernel cache, permissions checked. */
  public static MountOptions defaults() {
    boolean root = isRoot();
    return new MountOptions(
        "tracefetch",
        Duration.ofHours(1),
        Duration.ofHours(1),
        Duration.ofHours(1),
        true,
        true,
        root,
        false,
        false,
        Duration.ofSeconds(30),
        false,
        List.of());
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  public MountOptions withFsName(String name) {
    return new MountOptions(
        name,
        entryTimeout,
        attrTimeout,
        negativeTimeout,
        kernelCache,
        defaultPermissions,
        allowOther,
        allowSuid,
        allowDevices,
        mountTimeout,
        debug,
        extraOptions);
  }

  public MountOptions withTimeouts(Duration entry, Duration attr, Duration negative) {
    return new MountOptions(
        fsName,
        entry,
        attr,
        negative,
        kernelCache,
        defaultPermissions,
        allowOther,
        allowSuid,
        allowDevices,
        mountTimeout,
        debug,
        extraOptions);
  }

  public MountOptions withAllowOther(boolean allow) {
    return new MountOptions(
        fsName,
        entryTimeout,
        attrTimeout,
        negativeTimeout,
        kernelCache,
        defaultPermissions,
        allow,
        allowSuid,
        allowDevices,
        mountTimeout,
        debug,
        extraOptions);
  }

  public MountOptions withDefaultPermissions(boolean check) {
    return new MountOptions(
        fsName,
        entryTimeout,
        attrTimeout,
        negativeTimeout,
        kernelCache,
        check,
        allowOther,
        allowSuid,
        allowDevices,
        mountTimeout,
        debug,
        extraOptions);
  }

  public MountOptions withAllowSuid(boolean allow) {
    return new MountOptions(
        fsName,
        entryTimeout,
        attrTimeout,
        negativeTimeout,
        kernelCache,
        defaultPermissions,
        allowOther,
        allow,
        allowDevices,
        mountTimeout,
        debug,
        extraOptions);
  }

  public MountOptions withDebug(boolean on) {
    return new MountOptions(
        fsName,
        entryTimeout,
        attrTimeout,
        negativeTimeout,
        kernelCache,
        defaultPermissions,
        allowOther,
        allowSuid,
        allowDevices,
        mountTimeout,
        on,
        extraOptions);
  }

  /** The libfuse command-line options ({@code -o a,b,c}) these settings stand for. */
  public List<String> toFuseArgs() {
    List<String> o = new ArrayList<>();
    o.add("ro");
    o.add("fsname=" + fsName);
    o.add("subtype=tracefetch");
    o.add("use_ino");
    o.add("readdir_ino");
    o.add("entry_timeout=" + seconds(entryTimeout));
    o.add("attr_timeout=" + seconds(attrTimeout));
    o.add("negative_timeout=" + seconds(negativeTimeout));
    if (kernelCache) {
      o.add("kernel_cache");
    }
    if (defaultPermissions) {
      o.add("default_permissions");
    }
    if (allowOther) {
      o.add("allow_other");
    }
    o.add(allowSuid ? "suid" : "nosuid");
    o.add(allowDevices ? "dev" : "nodev");
    o.addAll(extraOptions);
    return List.of("-o", String.join(",", o));
  }

  private static String seconds(Duration d) {
    return Long.toString(Math.max(0, d.toSeconds()));
  }
}
