package dev.tracefetch.store.digest;

import dev.tracefetch.planner.ChunkDigestTable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The {@link ChunkDigestTable} of recently used images, built from {@code chunk_digests} and kept
 * in step with this instance's own uploads.
 *
 * <p>What a table holds here is always committed in the database: rows are added after their
 * transaction commits or read from it. That is what makes it safe for an upload to leave a digest
 * out of its profile because the table has it. A table may lack rows other instances added
 * meanwhile; an upload then stores those digests once more (harmless: rows agree unless two traces
 * contradict each other, and then the row this instance read first wins), and {@link #refreshed}
 * reads them before a plan is computed. Least recently used images are dropped beyond {@code
 * tracestore.plan.cached-images}.
 */
@Component
public class ImageDigestTables {
  private final ChunkDigestRepository repository;
  private final int capacity;
  private final Map<Long, Entry> entries;

  public ImageDigestTables(
      ChunkDigestRepository repository,
      @Value("${tracestore.plan.cached-images:64}") int capacity) {
    this.repository = repository;
    this.capacity = Math.max(1, capacity);
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<Long, Entry> eldest) {
            return size() > ImageDigestTables.this.capacity;
          }
        };
  }

  private static final class Entry {
    final ChunkDigestTable table = new ChunkDigestTable();
    final Set<Long> loaded = new HashSet<>();
    boolean read; // read from the database at least once
  }

  /** The image's table for an upload: read from the database the first time, not refreshed. */
  public ChunkDigestTable forUpload(long imageId) {
    Entry entry = entry(imageId);
    synchronized (entry) {
      if (!entry.read) {
        readMissing(imageId, entry);
      }
      return entry.table;
    }
  }

  /** The image's table with every row committed so far, for computing its plan. */
  public ChunkDigestTable refreshed(long imageId) {
    Entry entry = entry(imageId);
    synchronized (entry) {
      readMissing(imageId, entry);
      return entry.table;
    }
  }

  /** Adds a row this instance's upload has just committed. */
  public void committed(long imageId, long rowId, long[] keys, byte[] digests) {
    Entry entry;
    synchronized (entries) {
      entry = entries.get(imageId);
    }
    if (entry == null) {
      return; // read in full when next needed
    }
    synchronized (entry) {
      if (entry.loaded.add(rowId)) {
        entry.table.addAll(keys, digests, keys.length);
      }
    }
  }

  /** Forgets the image (deleted, or its state rebuilt). */
  public void evict(long imageId) {
    synchronized (entries) {
      entries.remove(imageId);
    }
  }

  private Entry entry(long imageId) {
    synchronized (entries) {
      return entries.computeIfAbsent(imageId, id -> new Entry());
    }
  }

  private void readMissing(long imageId, Entry entry) {
    List<Long> missing = new ArrayList<>();
    for (long id : repository.ids(imageId)) {
      if (!entry.loaded.contains(id)) {
        missing.add(id);
      }
    }
    if (!missing.isEmpty()) {
      for (ChunkDigestRepository.Batch batch : repository.batches(imageId, missing)) {
        entry.table.addAll(batch.keys(), batch.digests(), batch.keys().length);
        entry.loaded.add(batch.id());
      }
    }
    entry.read = true;
  }
}
