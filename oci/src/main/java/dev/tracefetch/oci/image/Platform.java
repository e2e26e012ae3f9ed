package dev.tracefetch.oci.image;

import java.util.Locale;
import java.util.Objects;

/**
 * The platform of an image index entry. Used to pick one image out of a multi-platform index.
 *
 * @param os operating system, e.g. {@code linux}
 * @param architecture CPU architecture in GOARCH terms, e.g. {@code amd64}, {@code arm64}
 * @param variant optional variant, e.g. {@code v8} (may be null)
 */
public record Platform(String os, String architecture, String variant) {
  public Platform {
    Objects.requireNonNull(os, "os");
    Objects.requireNonNull(architecture, "architecture");
  }

  public static Platform linuxAmd64() {
    return new Platform("linux", "amd64", null);
  }

  /** The platform of this JVM, mapped to GOARCH names ({@code x86_64} becomes {@code amd64}). */
  public static Platform host() {
    String arch = System.getProperty("os.arch", "amd64").toLowerCase(Locale.ROOT);
    String goArch =
        switch (arch) {
          case "x86_64", "amd64" -> "amd64";
          case "aarch64", "arm64" -> "arm64";
          case "x86", "i386", "i686" -> "386";
          case "ppc64le" -> "ppc64le";
          case "s390x" -> "s390x";
          case "riscv64" -> "riscv64";
          default -> arch;
        };
    return new Platform("linux", goArch, null);
  }

  /** Whether an index entry with platform {@code other} can run here (variant ignored if unset). */
  public boolean matches(Platform other) {
    return other != null
        && os.equals(other.os)
        && architecture.equals(other.architecture)
        && (variant == null || other.variant == null || variant.equals(other.variant));
  }

  @Override
  public String toString() {
    return os + "/" + architecture + (variant == null ? "" : "/" + variant);
  }
}
