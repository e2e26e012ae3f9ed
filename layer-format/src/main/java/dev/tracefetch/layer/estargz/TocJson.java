package dev.tracefetch.layer.estargz;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import dev.tracefetch.layer.tar.Xattrs;
import dev.tracefetch.oci.image.Digest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * Reads and writes the TOC JSON ({@code stargz.index.json}) the way stargz-snapshotter does, so
 * that the TOCs we write are read by containerd's stargz snapshotter and containers/storage, and
 * theirs by us. Cross-checked against upstream estargz/types.go ({@code JTOC}, {@code TOCEntry}
 * struct tags) and estargz.go ({@code json.MarshalIndent(toc, "", "\t")}, {@code formatModtime}):
 *
 * <ul>
 *   <li>keys and their order are the Go struct's: name, type, size, modtime, linkName, mode, uid,
 *       gid, userName, groupName, offset, innerOffset, devMajor, devMinor, xattrs, digest,
 *       chunkOffset, chunkSize, chunkDigest; everything but name and type is {@code omitempty}
 *       (zero numbers, empty strings and empty maps are left out);
 *   <li>{@code modtime} is RFC 3339 in UTC with whole seconds ({@code 2019-08-20T10:30:43Z});
 *   <li>{@code xattrs} values are standard base64 (Go's encoding of {@code []byte}), keys sorted;
 *   <li>layout is Go's {@code MarshalIndent} with a tab, and {@code <}, {@code >}, {@code &},
 *       U+2028 and U+2029 are escaped as Go does. Byte-identical output with Go is not a goal (the
 *       TOC digest is taken over whatever bytes were written), but it costs nothing.
 * </ul>
 *
 * Reading follows Go's decoder where it matters for compatibility: unknown keys (such as the {@code
 * NumLink} in old TOCs) are ignored, keys match case-insensitively, {@code null} means absent, and
 * numbers must be integers.
 */
public final class TocJson {
  private TocJson() {}

  private static final DateTimeFormatter MODTIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(16)
                  .maxNumberLength(32)
                  .maxStringLength(64 << 20)
                  .build())
          .build();

  /** Serialises {@code toc}; the returned bytes are what the TOC digest is computed over. */
  public static byte[] write(Toc toc) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + 256 * toc.entries().size());
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.setPrettyPrinter(goIndent());
      g.setCharacterEscapes(GoEscapes.INSTANCE);
      g.writeStartObject();
      g.writeNumberField("version", toc.version());
      g.writeArrayFieldStart("entries");
      for (TocEntry e : toc.entries()) {
        writeEntry(g, e);
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing TOC JSON to memory", e);
    }
    return out.toByteArray();
  }

  /** Formats a modification time as the TOC does; null when the TOC leaves it out. */
  static String formatModTime(Instant t) {
    if (t == null) {
      return null;
    }
    int year = t.atOffset(ZoneOffset.UTC).getYear();
    if (year < 0 || year > 9999) {
      return null; // not representable in RFC 3339
    }
    return MODTIME.format(t);
  }

  private static void writeEntry(JsonGenerator g, TocEntry e) throws IOException {
    g.writeStartObject();
    g.writeStringField("name", e.name());
    g.writeStringField("type", e.type().json());
    number(g, "size", e.size());
    String modtime = formatModTime(e.modTime());
    if (modtime != null) {
      g.writeStringField("modtime", modtime);
    }
    string(g, "linkName", e.linkName());
    number(g, "mode", e.mode());
    number(g, "uid", e.uid());
    number(g, "gid", e.gid());
    string(g, "userName", e.userName());
    string(g, "groupName", e.groupName());
    number(g, "offset", e.offset());
    number(g, "innerOffset", e.innerOffset());
    number(g, "devMajor", e.devMajor());
    number(g, "devMinor", e.devMinor());
    if (!e.xattrs().isEmpty()) {
      g.writeObjectFieldStart("xattrs");
      Base64.Encoder b64 = Base64.getEncoder();
      for (String name : e.xattrs().names()) {
        g.writeStringField(name, b64.encodeToString(e.xattrs().value(name)));
      }
      g.writeEndObject();
    }
    if (e.digest() != null) {
      g.writeStringField("digest", e.digest().toString());
    }
    number(g, "chunkOffset", e.chunkOffset());
    number(g, "chunkSize", e.chunkSize());
    if (e.chunkDigest() != null) {
      g.writeStringField("chunkDigest", e.chunkDigest().toString());
    }
    g.writeEndObject();
  }

  private static void number(JsonGenerator g, String key, long v) throws IOException {
    if (v != 0) {
      g.writeNumberField(key, v);
    }
  }

  private static void string(JsonGenerator g, String key, String v) throws IOException {
    if (!v.isEmpty()) {
      g.writeStringField(key, v);
    }
  }

  private static DefaultPrettyPrinter goIndent() {
    DefaultIndenter tab = new DefaultIndenter("\t", "\n");
    Separators separators =
        Separators.createDefaultInstance()
            .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
            .withObjectEmptySeparator("")
            .withArrayEmptySeparator("")
            .withRootSeparator("");
    return new DefaultPrettyPrinter(separators).withObjectIndenter(tab).withArrayIndenter(tab);
  }

  /**
   * Parses TOC JSON. Structural problems (wrong JSON types, unknown entry types, invalid digests,
   * negative numbers) are reported with the index and name of the entry at fault; semantic checks
   * across entries are {@link EstargzIndex}'s job.
   */
  public static Toc parse(byte[] json) throws InvalidEstargzException {
    try (JsonParser p = FACTORY.createParser(json)) {
      expect(p, p.nextToken(), JsonToken.START_OBJECT, "TOC");
      Integer version = null;
      List<TocEntry> entries = new ArrayList<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName().toLowerCase(Locale.ROOT);
        JsonToken value = p.nextToken();
        switch (key) {
          case "version" -> {
            expect(p, value, JsonToken.VALUE_NUMBER_INT, "TOC version");
            version = p.getIntValue();
          }
          case "entries" -> {
            if (value == JsonToken.VALUE_NULL) {
              continue;
            }
            expect(p, value, JsonToken.START_ARRAY, "TOC entries");
            while (p.nextToken() != JsonToken.END_ARRAY) {
              entries.add(parseEntry(p, entries.size()));
            }
          }
          default -> p.skipChildren();
        }
      }
      if (p.nextToken() != null) {
        throw new InvalidEstargzException("TOC JSON has trailing data after the top-level object");
      }
      if (version == null) {
        throw new InvalidEstargzException("TOC JSON has no version");
      }
      if (version != Toc.VERSION) {
        throw new InvalidEstargzException(
            "unsupported TOC version " + version + " (only " + Toc.VERSION + " is defined)");
      }
      return new Toc(version, entries);
    } catch (JsonProcessingException e) {
      throw new InvalidEstargzException("TOC is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new InvalidEstargzException("reading TOC JSON failed: " + e.getMessage(), e);
    }
  }

  private static TocEntry parseEntry(JsonParser p, int index) throws IOException {
    expect(p, p.currentToken(), JsonToken.START_OBJECT, "TOC entry #" + index);
    String name = null;
    String type = null;
    long size = 0;
    String modtime = null;
    String linkName = "";
    long mode = 0;
    long uid = 0;
    long gid = 0;
    String userName = "";
    String groupName = "";
    long offset = 0;
    long innerOffset = 0;
    long devMajor = 0;
    long devMinor = 0;
    TreeMap<String, byte[]> xattrs = new TreeMap<>();
    String digest = null;
    long chunkOffset = 0;
    long chunkSize = 0;
    String chunkDigest = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      p.nextToken();
      String what =
          "'" + key + "' of TOC entry #" + index + (name != null ? " (" + name + ")" : "");
      switch (key.toLowerCase(Locale.ROOT)) {
        case "name" -> name = str(p, what, name);
        case "type" -> type = str(p, what, type);
        case "size" -> size = num(p, what, size);
        case "modtime" -> modtime = str(p, what, modtime);
        case "linkname" -> linkName = str(p, what, linkName);
        case "mode" -> mode = num(p, what, mode);
        case "uid" -> uid = num(p, what, uid);
        case "gid" -> gid = num(p, what, gid);
        case "username" -> userName = str(p, what, userName);
        case "groupname" -> groupName = str(p, what, groupName);
        case "offset" -> offset = num(p, what, offset);
        case "inneroffset" -> innerOffset = num(p, what, innerOffset);
        case "devmajor" -> devMajor = num(p, what, devMajor);
        case "devminor" -> devMinor = num(p, what, devMinor);
        case "xattrs" -> xattrs = xattrs(p, what, xattrs);
        case "digest" -> digest = str(p, what, digest);
        case "chunkoffset" -> chunkOffset = num(p, what, chunkOffset);
        case "chunksize" -> chunkSize = num(p, what, chunkSize);
        case "chunkdigest" -> chunkDigest = str(p, what, chunkDigest);
        default -> p.skipChildren();
      }
    }
    String label = "TOC entry #" + index + (name != null ? " (" + name + ")" : "");
    if (name == null) {
      name = "";
    }
    if (type == null || type.isEmpty()) {
      throw new InvalidEstargzException(label + " has no type");
    }
    TocEntryType entryType = TocEntryType.fromJson(type).orElse(null);
    if (entryType == null) {
      throw new InvalidEstargzException(label + " has unknown type '" + type + "'");
    }
    try {
      return TocEntry.builder(name, entryType)
          .size(size)
          .modTime(parseModTime(modtime, label))
          .linkName(linkName)
          .mode(mode)
          .uid(uid)
          .gid(gid)
          .userName(userName)
          .groupName(groupName)
          .offset(offset)
          .innerOffset(innerOffset)
          .devMajor(devMajor)
          .devMinor(devMinor)
          .xattrs(Xattrs.of(xattrs))
          .digest(parseDigest(digest, "digest", label))
          .chunkOffset(chunkOffset)
          .chunkSize(chunkSize)
          .chunkDigest(parseDigest(chunkDigest, "chunkDigest", label))
          .build();
    } catch (IllegalArgumentException e) {
      throw new InvalidEstargzException(label + ": " + e.getMessage(), e);
    }
  }

  private static Instant parseModTime(String value, String label) throws InvalidEstargzException {
    if (value == null || value.isEmpty()) {
      return null;
    }
    try {
      Instant t = OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
      return Instant.ofEpochSecond(t.getEpochSecond());
    } catch (DateTimeException e) {
      throw new InvalidEstargzException(label + " has invalid modtime '" + value + "'", e);
    }
  }

  private static Digest parseDigest(String value, String key, String label)
      throws InvalidEstargzException {
    if (value == null || value.isEmpty()) {
      return null;
    }
    try {
      return Digest.parse(value);
    } catch (IllegalArgumentException e) {
      throw new InvalidEstargzException(label + " has invalid " + key + ": " + e.getMessage(), e);
    }
  }

  private static String str(JsonParser p, String what, String previous) throws IOException {
    return switch (p.currentToken()) {
      case VALUE_STRING -> p.getText();
      case VALUE_NULL -> previous;
      default -> throw wrongType(p, what, "a string");
    };
  }

  private static long num(JsonParser p, String what, long previous) throws IOException {
    return switch (p.currentToken()) {
      case VALUE_NUMBER_INT -> {
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
          throw new InvalidEstargzException(what + " does not fit 64 bits: " + p.getText());
        }
        yield p.getLongValue();
      }
      case VALUE_NULL -> previous;
      default -> throw wrongType(p, what, "an integer");
    };
  }

  private static TreeMap<String, byte[]> xattrs(
      JsonParser p, String what, TreeMap<String, byte[]> previous) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return previous;
    }
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw wrongType(p, what, "an object");
    }
    TreeMap<String, byte[]> out = new TreeMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String attr = p.currentName();
      JsonToken v = p.nextToken();
      if (v == JsonToken.VALUE_NULL) {
        out.put(attr, new byte[0]);
        continue;
      }
      if (v != JsonToken.VALUE_STRING) {
        throw wrongType(p, "xattr '" + attr + "' in " + what, "a base64 string");
      }
      try {
        out.put(attr, Base64.getDecoder().decode(p.getText()));
      } catch (IllegalArgumentException e) {
        throw new InvalidEstargzException(
            "xattr '" + attr + "' in " + what + " is not valid base64", e);
      }
    }
    return out;
  }

  private static InvalidEstargzException wrongType(JsonParser p, String what, String expected) {
    return new InvalidEstargzException(
        what + " must be " + expected + ", got " + describe(p.currentToken()));
  }

  private static void expect(JsonParser p, JsonToken actual, JsonToken expected, String what)
      throws InvalidEstargzException {
    if (actual != expected) {
      throw new InvalidEstargzException(
          what + " must be " + describe(expected) + ", got " + describe(actual));
    }
  }

  private static String describe(JsonToken t) {
    if (t == null) {
      return "end of input";
    }
    return switch (t) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT -> "an integer";
      case VALUE_NUMBER_FLOAT -> "a fractional number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> t.toString();
    };
  }

  /** Escapes as Go's encoding/json: HTML-sensitive characters and line separators too. */
  private static final class GoEscapes extends CharacterEscapes {
    private static final long serialVersionUID = 1L;
    static final GoEscapes INSTANCE = new GoEscapes();

    private final int[] ascii;

    private GoEscapes() {
      ascii = CharacterEscapes.standardAsciiEscapesForJSON();
      for (int c = 0; c < 0x20; c++) {
        if (c != '\n' && c != '\r' && c != '\t' && c != '\b' && c != '\f') {
          ascii[c] = ESCAPE_CUSTOM;
        }
      }
      ascii['<'] = ESCAPE_CUSTOM;
      ascii['>'] = ESCAPE_CUSTOM;
      ascii['&'] = ESCAPE_CUSTOM;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return ascii;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      if (ch < 0x80 || ch == 0x2028 || ch == 0x2029) {
        return new SerializedString(String.format("\\u%04x", ch));
      }
      return null;
    }
  }
}
