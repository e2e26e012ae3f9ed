package dev.tracefetch.fs.fuse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import jnr.ffi.LibraryLoader;

/** Reads extended attributes through libc, independently of Java's user-namespace-only view. */
final class NativeXattrs {
  public interface LibC {
    long lgetxattr(String path, String name, byte[] value, long size);

    long llistxattr(String path, byte[] list, long size);
  }

  private static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");

  private NativeXattrs() {}

  static Optional<byte[]> get(Path path, String name) {
    byte[] buf = new byte[65536];
    long n = LIBC.lgetxattr(path.toString(), name, buf, buf.length);
    return n < 0 ? Optional.empty() : Optional.of(Arrays.copyOf(buf, (int) n));
  }

  static List<String> list(Path path) {
    byte[] buf = new byte[65536];
    long n = LIBC.llistxattr(path.toString(), buf, buf.length);
    List<String> out = new ArrayList<>();
    if (n <= 0) {
      return out;
    }
    int start = 0;
    for (int i = 0; i < n; i++) {
      if (buf[i] == 0) {
        out.add(new String(buf, start, i - start, StandardCharsets.UTF_8));
        start = i + 1;
      }
    }
    return out;
  }
}
