package dev.tracefetch.layer.estargz;

import dev.tracefetch.oci.image.Digest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The validated, lookup-ready view of one eStargz layer's TOC: per-path files with their chunks,
 * directory listings, hardlink resolution. Building it is where a TOC from an untrusted registry is
 * checked before anything is served from it; the rules, with upstream's reader (estargz.go {@code
 * initFields}, {@code VerifyTOC}) as the baseline and stricter where serving bytes safely needs it:
 *
 * <ul>
 *   <li>names are normalised; absolute names and {@code ..} escaping the root are rejected, as are
 *       two entries with the same normalised name;
 *   <li>every parent of an entry must be a directory (missing ones are created implicitly with mode
 *       0755, as upstream does); hardlinks must point at an existing non-directory entry, without
 *       cycles;
 *   <li>a non-empty {@code reg} and its following {@code chunk} entries must cover the file exactly
 *       and contiguously, each with a {@code chunkDigest} and a size within the limit;
 *   <li>data offsets must lie before the TOC; chunks sharing a gzip member must not overlap ({@code
 *       innerOffset} ranges), which also rejects two chunks claiming the same offset.
 * </ul>
 *
 * Instances are immutable and thread-safe.
 */
public final class EstargzIndex {
  private final String layer;
  private final Toc toc;
  private final Digest tocDigest;
  private final long tocOffset;
  private final Map<String, EstargzFile> files;
  private final Map<String, List<String>> children;

  private EstargzIndex(
      String layer,
      Toc toc,
      Digest tocDigest,
      long tocOffset,
      Map<String, EstargzFile> files,
      Map<String, List<String>> children) {
    this.layer = layer;
    this.toc = toc;
    this.tocDigest = tocDigest;
    this.tocOffset = tocOffset;
    this.files = files;
    this.children = children;
  }

  /**
   * Validates {@code toc} and builds the index.
   *
   * @param layer how to name the layer in errors (usually its digest)
   * @param toc the parsed TOC
   * @param tocDigest sha256 of the TOC JSON bytes
   * @param tocOffset blob offset of the TOC member; all payload lies before it
   * @param limits limits (chunk size)
   */
  public static EstargzIndex build(
      String layer, Toc toc, Digest tocDigest, long tocOffset, EstargzLimits limits)
      throws InvalidEstargzException {
    Objects.requireNonNull(layer, "layer");
    Objects.requireNonNull(toc, "toc");
    Objects.requireNonNull(tocDigest, "tocDigest");
    Objects.requireNonNull(limits, "limits");
    return new Builder(layer, toc, tocOffset, limits).build(tocDigest);
  }

  /** The layer name given when the index was built. */
  public String layer() {
    return layer;
  }

  public Toc toc() {
    return toc;
  }

  /** sha256 of the TOC JSON bytes (what the {@code toc.digest} annotation must equal). */
  public Digest tocDigest() {
    return tocDigest;
  }

  /** Blob offset of the TOC member. */
  public long tocOffset() {
    return tocOffset;
  }

  /** The object at {@code path} ("/usr/bin", "usr/bin" and "./usr/bin/" are the same). */
  public Optional<EstargzFile> lookup(String path) {
    return Optional.ofNullable(files.get(EntryNames.clean(path)));
  }

  /** Like {@link #lookup} but a hardlink yields the file it shares data with. */
  public Optional<EstargzFile> resolve(String path) {
    EstargzFile f = files.get(EntryNames.clean(path));
    if (f != null && f.hardlinkTarget() != null) {
      f = files.get(f.hardlinkTarget());
    }
    return Optional.ofNullable(f);
  }

  /** Names (not paths) in directory {@code path}, sorted; empty when not a directory. */
  public List<String> children(String path) {
    return children.getOrDefault(EntryNames.clean(path), List.of());
  }

  /** Every object in the layer, the root first, then in TOC order (implicit dirs when needed). */
  public Collection<EstargzFile> files() {
    return files.values();
  }

  /**
   * Blob offset of the {@code .prefetch.landmark} payload: stargz-snapshotter prefetches blob bytes
   * {@code [0, offset)} at mount time. Empty when the layer has no prioritized files.
   */
  public OptionalLong prefetchLandmarkOffset() {
    EstargzFile f = files.get(Estargz.PREFETCH_LANDMARK);
    if (f == null || f.chunks().isEmpty()) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(f.chunks().get(0).compressedOffset());
  }

  /** Whether the layer says not to prefetch anything ({@code .no.prefetch.landmark}). */
  public boolean hasNoPrefetchLandmark() {
    return files.containsKey(Estargz.NO_PREFETCH_LANDMARK);
  }

  /** All data chunks of the layer in blob order. */
  public List<EstargzChunk> chunksInBlobOrder() {
    List<EstargzChunk> all = new ArrayList<>();
    for (EstargzFile f : files.values()) {
      all.addAll(f.chunks());
    }
    all.sort(
        Comparator.comparingLong(EstargzChunk::compressedOffset)
            .thenComparingLong(EstargzChunk::innerOffset));
    return all;
  }

  /** Accumulates and checks the TOC entries. */
  private static final class Builder {
    private final String layer;
    private final Toc toc;
    private final long tocOffset;
    private final EstargzLimits limits;
    private final LinkedHashMap<String, TocEntry> entries = new LinkedHashMap<>();
    private final Map<String, Integer> entryIndex = new HashMap<>();
    private final Map<String, List<PendingChunk>> dataEntries = new LinkedHashMap<>();
    private final Map<Long, String> userNames = new HashMap<>();
    private final Map<Long, String> groupNames = new HashMap<>();

    /** A data entry before its compressed end is known. */
    private record PendingChunk(int tocIndex, TocEntry entry, long chunkSize) {}

    Builder(String layer, Toc toc, long tocOffset, EstargzLimits limits) {
      this.layer = layer;
      this.toc = toc;
      this.tocOffset = tocOffset;
      this.limits = limits;
    }

    private InvalidEstargzException invalid(String message) {
      return new InvalidEstargzException("invalid TOC in layer " + layer + ": " + message);
    }

    private static String label(int index, TocEntry e) {
      return "entry #" + index + " ('" + e.name() + "', " + e.type().json() + ")";
    }

    EstargzIndex build(Digest tocDigest) throws InvalidEstargzException {
      if (tocOffset <= 0) {
        throw invalid("TOC offset " + tocOffset + " leaves no room for entries");
      }
      String currentFile = null;
      List<TocEntry> list = toc.entries();
      for (int i = 0; i < list.size(); i++) {
        TocEntry e = list.get(i);
        if (e.type() == TocEntryType.CHUNK) {
          if (currentFile == null) {
            throw invalid(label(i, e) + " does not follow a non-empty reg entry");
          }
          if (!e.name().isEmpty() && !normalize(i, e).equals(currentFile)) {
            throw invalid(
                label(i, e) + " follows the reg entry of '" + currentFile + "', not its own file");
          }
          dataEntries.get(currentFile).add(new PendingChunk(i, e, 0));
          continue;
        }
        currentFile = null;
        String name = normalize(i, e);
        Integer previous = entryIndex.putIfAbsent(name, i);
        if (previous != null) {
          throw invalid(
              label(i, e) + " duplicates entry #" + previous + " (both are '" + name + "')");
        }
        if (name.isEmpty() && e.type() != TocEntryType.DIR) {
          throw invalid(label(i, e) + " names the layer root but is not a directory");
        }
        if ((e.type() == TocEntryType.SYMLINK || e.type() == TocEntryType.HARDLINK)
            && e.linkName().isEmpty()) {
          throw invalid(label(i, e) + " has no linkName");
        }
        entries.put(name, withOwnerNames(e));
        if (e.type() == TocEntryType.REG && e.size() > 0) {
          currentFile = name;
          List<PendingChunk> chunks = new ArrayList<>();
          chunks.add(new PendingChunk(i, e, 0));
          dataEntries.put(name, chunks);
        }
      }

      Map<String, List<PendingChunk>> resolved = resolveChunkSizes();
      Map<String, List<EstargzChunk>> chunks = placeChunks(resolved);
      Map<String, String> hardlinks = resolveHardlinks();
      return assemble(tocDigest, chunks, hardlinks);
    }

    private String normalize(int index, TocEntry e) throws InvalidEstargzException {
      try {
        return EntryNames.normalize(e.name());
      } catch (IllegalArgumentException ex) {
        throw invalid(label(index, e) + ": " + ex.getMessage());
      }
    }

    /** Fills user/group names the TOC gave only for the first entry with that id. */
    private TocEntry withOwnerNames(TocEntry e) {
      String user = e.userName();
      if (user.isEmpty()) {
        user = userNames.getOrDefault(e.uid(), "");
      } else {
        userNames.put(e.uid(), user);
      }
      String group = e.groupName();
      if (group.isEmpty()) {
        group = groupNames.getOrDefault(e.gid(), "");
      } else {
        groupNames.put(e.gid(), group);
      }
      if (user.equals(e.userName()) && group.equals(e.groupName())) {
        return e;
      }
      return e.toBuilder().userName(user).groupName(group).build();
    }

    /** Checks that each file's chunks tile it exactly and gives every chunk its real size. */
    private Map<String, List<PendingChunk>> resolveChunkSizes() throws InvalidEstargzException {
      Map<String, List<PendingChunk>> out = new LinkedHashMap<>();
      for (Map.Entry<String, List<PendingChunk>> file : dataEntries.entrySet()) {
        List<PendingChunk> in = file.getValue();
        long size = in.get(0).entry().size();
        long expected = 0;
        List<PendingChunk> sized = new ArrayList<>();
        for (PendingChunk c : in) {
          TocEntry e = c.entry();
          String what = label(c.tocIndex(), e) + " of '" + file.getKey() + "'";
          if (e.chunkOffset() != expected) {
            throw invalid(
                what
                    + " has chunkOffset "
                    + e.chunkOffset()
                    + " but the previous chunk ends at "
                    + expected
                    + " (chunks must be contiguous)");
          }
          long chunkSize = e.chunkSize() != 0 ? e.chunkSize() : size - e.chunkOffset();
          if (chunkSize <= 0 || e.chunkOffset() + chunkSize > size) {
            throw invalid(
                what
                    + " covers bytes ["
                    + e.chunkOffset()
                    + ", "
                    + (e.chunkOffset() + chunkSize)
                    + ") of a file of "
                    + size
                    + " bytes");
          }
          if (chunkSize > limits.maxChunkSize()) {
            throw invalid(
                what + " is " + chunkSize + " bytes, over the limit of " + limits.maxChunkSize());
          }
          if (e.chunkDigest() == null) {
            throw invalid(what + " has no chunkDigest");
          }
          if (e.offset() >= tocOffset) {
            throw invalid(
                what
                    + " has offset "
                    + e.offset()
                    + ", at or past the TOC at "
                    + tocOffset
                    + " (outside the blob's data)");
          }
          sized.add(new PendingChunk(c.tocIndex(), e, chunkSize));
          expected = e.chunkOffset() + chunkSize;
        }
        if (expected != size) {
          throw invalid(
              "chunks of '" + file.getKey() + "' cover " + expected + " of its " + size + " bytes");
        }
        out.put(file.getKey(), sized);
      }
      return out;
    }

    /** Computes compressed ends and rejects chunks overlapping inside a shared member. */
    private Map<String, List<EstargzChunk>> placeChunks(Map<String, List<PendingChunk>> files)
        throws InvalidEstargzException {
      TreeMap<Long, List<PendingChunk>> byOffset = new TreeMap<>();
      Map<PendingChunk, String> owner = new HashMap<>();
      for (Map.Entry<String, List<PendingChunk>> f : files.entrySet()) {
        for (PendingChunk c : f.getValue()) {
          byOffset.computeIfAbsent(c.entry().offset(), k -> new ArrayList<>()).add(c);
          owner.put(c, f.getKey());
        }
      }
      for (List<PendingChunk> member : byOffset.values()) {
        member.sort(Comparator.comparingLong(c -> c.entry().innerOffset()));
        for (int i = 1; i < member.size(); i++) {
          PendingChunk a = member.get(i - 1);
          PendingChunk b = member.get(i);
          if (b.entry().innerOffset() < a.entry().innerOffset() + a.chunkSize()) {
            throw invalid(
                label(b.tocIndex(), b.entry())
                    + " overlaps "
                    + label(a.tocIndex(), a.entry())
                    + " in the gzip member at offset "
                    + a.entry().offset()
                    + " (inner ranges ["
                    + a.entry().innerOffset()
                    + ", "
                    + (a.entry().innerOffset() + a.chunkSize())
                    + ") and ["
                    + b.entry().innerOffset()
                    + ", "
                    + (b.entry().innerOffset() + b.chunkSize())
                    + "))");
          }
        }
      }
      Map<String, List<EstargzChunk>> out = new HashMap<>();
      for (Map.Entry<String, List<PendingChunk>> f : files.entrySet()) {
        List<EstargzChunk> list = new ArrayList<>();
        for (PendingChunk c : f.getValue()) {
          Long next = byOffset.higherKey(c.entry().offset());
          long end = next == null ? tocOffset : next;
          list.add(
              new EstargzChunk(
                  f.getKey(),
                  list.size(),
                  c.entry().offset(),
                  end,
                  c.entry().innerOffset(),
                  c.entry().chunkOffset(),
                  (int) c.chunkSize(),
                  c.entry().chunkDigest()));
        }
        out.put(f.getKey(), List.copyOf(list));
      }
      return out;
    }

    private Map<String, String> resolveHardlinks() throws InvalidEstargzException {
      Map<String, String> targets = new HashMap<>();
      for (Map.Entry<String, TocEntry> e : entries.entrySet()) {
        if (e.getValue().type() != TocEntryType.HARDLINK) {
          continue;
        }
        String at = e.getKey();
        Set<String> seen = new HashSet<>();
        TocEntry current = e.getValue();
        while (current.type() == TocEntryType.HARDLINK) {
          if (!seen.add(at)) {
            throw invalid("hardlink '" + e.getKey() + "' is part of a hardlink cycle");
          }
          String target;
          try {
            target = EntryNames.normalize(current.linkName());
          } catch (IllegalArgumentException ex) {
            throw invalid(
                "hardlink '" + at + "' -> '" + current.linkName() + "': " + ex.getMessage());
          }
          TocEntry t = entries.get(target);
          if (t == null) {
            throw invalid(
                "hardlink '"
                    + at
                    + "' points to '"
                    + current.linkName()
                    + "', which is not in the TOC");
          }
          if (t.type() == TocEntryType.DIR) {
            throw invalid("hardlink '" + at + "' points to directory '" + target + "'");
          }
          at = target;
          current = t;
        }
        targets.put(e.getKey(), at);
      }
      return targets;
    }

    private EstargzIndex assemble(
        Digest tocDigest, Map<String, List<EstargzChunk>> chunks, Map<String, String> hardlinks)
        throws InvalidEstargzException {
      LinkedHashMap<String, TocEntry> all = new LinkedHashMap<>();
      Set<String> implicit = new HashSet<>();
      TocEntry root = entries.get("");
      all.put("", root != null ? root : implicitDir(""));
      if (root == null) {
        implicit.add("");
      }
      Map<String, TreeSet<String>> kids = new HashMap<>();
      for (Map.Entry<String, TocEntry> e : entries.entrySet()) {
        String name = e.getKey();
        if (name.isEmpty()) {
          continue;
        }
        String child = name;
        for (String parent = EntryNames.parent(name);
            parent != null;
            child = parent, parent = EntryNames.parent(parent)) {
          TocEntry p = entries.get(parent);
          if (p != null && p.type() != TocEntryType.DIR) {
            throw invalid(
                "'"
                    + name
                    + "' has parent '"
                    + parent
                    + "', which is a "
                    + p.type().json()
                    + ", not a directory");
          }
          if (p == null && !all.containsKey(parent)) {
            all.put(parent, implicitDir(parent));
            implicit.add(parent);
          }
          boolean added =
              kids.computeIfAbsent(parent, k -> new TreeSet<>()).add(EntryNames.baseName(child));
          if (!added) {
            break; // the rest of this chain is already registered
          }
        }
        all.putIfAbsent(name, e.getValue());
      }

      Map<String, Integer> linkCounts = new HashMap<>();
      for (String target : hardlinks.values()) {
        linkCounts.merge(target, 1, Integer::sum);
      }
      LinkedHashMap<String, EstargzFile> files = new LinkedHashMap<>();
      for (Map.Entry<String, TocEntry> e : all.entrySet()) {
        String name = e.getKey();
        TocEntry entry = e.getValue();
        int links;
        if (entry.type() == TocEntryType.DIR) {
          int subdirs = 0;
          for (String k : kids.getOrDefault(name, new TreeSet<>())) {
            String childPath = name.isEmpty() ? k : name + "/" + k;
            TocEntry c = all.get(childPath);
            if (c != null && c.type() == TocEntryType.DIR) {
              subdirs++;
            }
          }
          links = 2 + subdirs;
        } else {
          String target = hardlinks.getOrDefault(name, name);
          links = 1 + linkCounts.getOrDefault(target, 0);
        }
        files.put(
            name,
            new EstargzFile(
                name,
                entry,
                chunks.getOrDefault(name, List.of()),
                hardlinks.get(name),
                links,
                implicit.contains(name)));
      }
      Map<String, List<String>> childLists = new HashMap<>();
      kids.forEach((k, v) -> childLists.put(k, List.copyOf(v)));
      return new EstargzIndex(
          layer,
          toc,
          tocDigest,
          tocOffset,
          Collections.unmodifiableMap(files),
          Collections.unmodifiableMap(childLists));
    }

    private static TocEntry implicitDir(String name) {
      return TocEntry.builder(name, TocEntryType.DIR).mode(0755).build();
    }
  }
}
