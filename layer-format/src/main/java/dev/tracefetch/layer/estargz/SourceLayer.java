package dev.tracefetch.layer.estargz;

import dev.tracefetch.layer.tar.TarEntryType;
import dev.tracefetch.layer.tar.TarFormatException;
import dev.tracefetch.layer.tar.TarHeader;
import dev.tracefetch.layer.tar.TarReader;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;

/**
 * The entries of an uncompressed input layer on disk, scanned once so that the writer can emit them
 * in any order (prioritized files first) and read each payload by position. Mirrors
 * stargz-snapshotter's {@code importTar}: a later entry with the same (normalised) name replaces
 * the earlier one, as extracting the tar would; an existing TOC or landmark is dropped so that
 * converting an eStargz layer again is idempotent.
 */
final class SourceLayer {
  private SourceLayer() {}

  /** One input entry: its header, normalised name and where its payload starts in the tar. */
  record Entry(TarHeader header, String normalizedName, long payloadOffset) {}

  static List<Entry> scan(Path tar) throws IOException {
    LinkedHashMap<String, Entry> byName = new LinkedHashMap<>();
    try (TarReader r =
        new TarReader(new BufferedInputStream(Files.newInputStream(tar), 64 << 10))) {
      TarHeader h;
      while ((h = r.next()) != null) {
        String name;
        try {
          name = EntryNames.normalize(h.name());
        } catch (IllegalArgumentException e) {
          throw new TarFormatException(
              "tar entry '" + h.name() + "' at offset " + r.headerOffset() + ": " + e.getMessage());
        }
        if (name.equals(Estargz.TOC_TAR_NAME) || Estargz.isLandmark(name)) {
          continue;
        }
        if (name.isEmpty() && h.type() != TarEntryType.DIRECTORY) {
          throw new TarFormatException(
              "tar entry '"
                  + h.name()
                  + "' at offset "
                  + r.headerOffset()
                  + " names the layer root but is a "
                  + h.type());
        }
        byName.remove(name);
        byName.put(name, new Entry(h, name, r.payloadOffset()));
      }
    }
    return List.copyOf(byName.values());
  }

  /** Entries split into the prioritized head and the rest, plus prioritized paths not found. */
  record Ordered(List<Entry> prioritized, List<Entry> rest, List<String> missed) {}

  /**
   * Puts the prioritized paths first, in the given order, each preceded by its parent directories
   * and (for hardlinks) its link target, as stargz-snapshotter's {@code moveRec} does; everything
   * else keeps its input order. Unlike upstream, a parent directory without its own tar entry does
   * not make the file count as missing.
   */
  static Ordered order(List<Entry> entries, List<String> prioritized) {
    LinkedHashMap<String, Entry> remaining = new LinkedHashMap<>();
    for (Entry e : entries) {
      remaining.put(e.normalizedName(), e);
    }
    LinkedHashMap<String, Entry> moved = new LinkedHashMap<>();
    List<String> missed = new ArrayList<>();
    for (String p : prioritized) {
      String name = EntryNames.clean(p);
      if (!move(name, remaining, moved, new HashSet<>())) {
        missed.add(p);
      }
    }
    return new Ordered(
        List.copyOf(moved.values()), List.copyOf(remaining.values()), List.copyOf(missed));
  }

  private static boolean move(
      String name,
      LinkedHashMap<String, Entry> remaining,
      LinkedHashMap<String, Entry> moved,
      Set<String> visiting) {
    if (!remaining.containsKey(name) && !moved.containsKey(name)) {
      return false;
    }
    if (!visiting.add(name)) {
      return true; // hardlink cycle; the writer reports it
    }
    List<String> ancestors = new ArrayList<>();
    for (String p = EntryNames.parent(name); p != null; p = EntryNames.parent(p)) {
      ancestors.add(0, p);
    }
    for (String a : ancestors) {
      Entry dir = remaining.remove(a);
      if (dir != null) {
        moved.put(a, dir);
      }
    }
    Entry e = remaining.get(name);
    if (e != null && e.header().type() == TarEntryType.HARDLINK) {
      try {
        move(EntryNames.normalize(e.header().linkName()), remaining, moved, visiting);
      } catch (IllegalArgumentException ignored) {
        // an unusable target is reported when the entry is written
      }
    }
    e = remaining.remove(name);
    if (e != null) {
      moved.put(name, e);
    }
    return true;
  }
}
