package dev.tracefetch.layer.estargz;

import java.util.List;
import java.util.Objects;

/**
 * The table of contents of an eStargz blob ({@code stargz.index.json}): every tar entry and chunk
 * in blob order. It is what a lazy mount reads instead of the layer, so it is kept exactly as
 * written (names unnormalised, chunks as separate entries); {@link EstargzIndex} derives the
 * validated, lookup-friendly view.
 *
 * @param version TOC format version; eStargz defines only 1
 * @param entries entries in blob order
 */
public record Toc(int version, List<TocEntry> entries) {
  /** The only TOC version eStargz defines. */
  public static final int VERSION = 1;

  public Toc {
    Objects.requireNonNull(entries, "entries");
    entries = List.copyOf(entries);
  }

  /** A version-1 TOC. */
  public static Toc of(List<TocEntry> entries) {
    return new Toc(VERSION, entries);
  }
}
