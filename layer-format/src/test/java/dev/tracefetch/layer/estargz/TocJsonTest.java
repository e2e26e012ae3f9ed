package dev.tracefetch.layer.estargz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.layer.tar.Xattrs;
import dev.tracefetch.oci.image.Digest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TocJsonTest {
  static final Digest D1 =
      Digest.parse("sha256:8b7c559b8cccca0d30d01bc4b5dc944766208a53d18a03aa8afe97252207521f");
  static final Digest D2 =
      Digest.parse("sha256:45c6ee3bd1862697eab8058ec0e462f5a760927331c709d7d233da8ffee40e9e");

  private static String json(Toc toc) {
    return new String(TocJson.write(toc), StandardCharsets.UTF_8);
  }

  @Test
  void writesGoMarshalIndentLayoutWithUpstreamKeysInStructOrder() {
    TocEntry all =
        TocEntry.builder("a/b", TocEntryType.REG)
            .size(10)
            .modTime(Instant.parse("2019-08-20T10:30:43Z"))
            .linkName("x")
            .mode(0100644)
            .uid(1)
            .gid(2)
            .userName("u")
            .groupName("g")
            .offset(126)
            .innerOffset(5)
            .devMajor(3)
            .devMinor(4)
            .xattrs(
                Xattrs.of(Map.of("user.b", new byte[] {1, 0, (byte) 0xff}, "user.a", new byte[0])))
            .digest(D1)
            .chunkOffset(7)
            .chunkSize(8)
            .chunkDigest(D2)
            .build();
    TocEntry minimal = TocEntry.builder("bin/", TocEntryType.DIR).build();
    String expected =
        """
        {
        \t"version": 1,
        \t"entries": [
        \t\t{
        \t\t\t"name": "a/b",
        \t\t\t"type": "reg",
        \t\t\t"size": 10,
        \t\t\t"modtime": "2019-08-20T10:30:43Z",
        \t\t\t"linkName": "x",
        \t\t\t"mode": 33188,
        \t\t\t"uid": 1,
        \t\t\t"gid": 2,
        \t\t\t"userName": "u",
        \t\t\t"groupName": "g",
        \t\t\t"offset": 126,
        \t\t\t"innerOffset": 5,
        \t\t\t"devMajor": 3,
        \t\t\t"devMinor": 4,
        \t\t\t"xattrs": {
        \t\t\t\t"user.a": "",
        \t\t\t\t"user.b": "AQD/"
        \t\t\t},
        \t\t\t"digest": "%s",
        \t\t\t"chunkOffset": 7,
        \t\t\t"chunkSize": 8,
        \t\t\t"chunkDigest": "%s"
        \t\t},
        \t\t{
        \t\t\t"name": "bin/",
        \t\t\t"type": "dir"
        \t\t}
        \t]
        }"""
            .formatted(D1, D2);
    assertThat(json(Toc.of(List.of(all, minimal)))).isEqualTo(expected);
  }

  @Test
  void emptyEntriesAndGoEscaping() {
    assertThat(json(Toc.of(List.of()))).isEqualTo("{\n\t\"version\": 1,\n\t\"entries\": []\n}");
    TocEntry odd = TocEntry.builder("a<b>&c\u2028\"\\\u0001\n", TocEntryType.FIFO).build();
    assertThat(json(Toc.of(List.of(odd))))
        .contains("\"name\": \"a\\u003cb\\u003e\\u0026c\\u2028\\\"\\\\\\u0001\\n\"");
  }

  @Test
  void modTimeIsWholeSecondsUtcAndOmittedWhenAbsent() {
    assertThat(TocJson.formatModTime(Instant.parse("1969-12-31T23:59:59Z")))
        .isEqualTo("1969-12-31T23:59:59Z");
    assertThat(TocJson.formatModTime(null)).isNull();
    assertThatThrownBy(
            () ->
                TocEntry.builder("x", TocEntryType.REG)
                    .modTime(Instant.ofEpochSecond(1, 5))
                    .build())
        .hasMessageContaining("whole seconds");
    // The writer rounds like upstream's formatModtime and drops the epoch.
    assertThat(EstargzWriter.tocModTime(Instant.ofEpochSecond(10, 500_000_000)))
        .isEqualTo(Instant.ofEpochSecond(11));
    assertThat(EstargzWriter.tocModTime(Instant.ofEpochSecond(10, 499_999_999)))
        .isEqualTo(Instant.ofEpochSecond(10));
    assertThat(EstargzWriter.tocModTime(Instant.EPOCH)).isNull();
  }

  @Test
  void parsesTheUpstreamDocumentationExample() throws InvalidEstargzException {
    // From stargz-snapshotter docs/estargz.md "Example of TOC" (two-space indent, NumLink keys).
    String doc =
        """
        {
          "version": 1,
          "entries": [
            {
              "name": "bin/",
              "type": "dir",
              "modtime": "2019-08-20T10:30:43Z",
              "mode": 16877,
              "NumLink": 0
            },
            {
              "name": "bin/busybox",
              "type": "reg",
              "size": 833104,
              "modtime": "2019-06-12T17:52:45Z",
              "mode": 33261,
              "offset": 126,
              "NumLink": 0,
              "digest": "sha256:8b7c559b8cccca0d30d01bc4b5dc944766208a53d18a03aa8afe97252207521f",
              "chunkDigest": "sha256:8b7c559b8cccca0d30d01bc4b5dc944766208a53d18a03aa8afe97252207521f"
            },
            {
              "name": ".prefetch.landmark",
              "type": "reg",
              "size": 1,
              "offset": 886633,
              "NumLink": 0,
              "digest": "sha256:dc0e9c3658a1a3ed1ec94274d8b19925c93e1abb7ddba294923ad9bde30f8cb8",
              "chunkDigest": "sha256:dc0e9c3658a1a3ed1ec94274d8b19925c93e1abb7ddba294923ad9bde30f8cb8"
            }
          ]
        }
        """;
    Toc toc = TocJson.parse(doc.getBytes(StandardCharsets.UTF_8));
    assertThat(toc.version()).isEqualTo(1);
    assertThat(toc.entries()).hasSize(3);
    TocEntry dir = toc.entries().get(0);
    assertThat(dir.type()).isEqualTo(TocEntryType.DIR);
    assertThat(dir.mode()).isEqualTo(040755);
    assertThat(dir.modTime()).isEqualTo(Instant.parse("2019-08-20T10:30:43Z"));
    TocEntry busybox = toc.entries().get(1);
    assertThat(busybox.size()).isEqualTo(833104);
    assertThat(busybox.offset()).isEqualTo(126);
    assertThat(busybox.digest()).isEqualTo(D1);
    assertThat(busybox.chunkDigest()).isEqualTo(D1);
    assertThat(busybox.chunkSize()).isZero();
    assertThat(toc.entries().get(2).chunkDigest().toString())
        .isEqualTo(EstargzWriterTest.LANDMARK_DIGEST);
    assertThat(Digest.of(new byte[] {0x0f}).toString())
        .isEqualTo(EstargzWriterTest.LANDMARK_DIGEST);
  }

  @Test
  void roundTripsEveryField() throws InvalidEstargzException {
    Toc toc =
        Toc.of(
            List.of(
                TocEntry.builder("./", TocEntryType.DIR).mode(040755).build(),
                TocEntry.builder("f", TocEntryType.REG)
                    .size(3)
                    .offset(99)
                    .chunkDigest(D2)
                    .digest(D2)
                    .xattrs(Xattrs.of("security.capability", new byte[] {0, 1, 2}))
                    .uid(3_000_000_000L)
                    .build(),
                TocEntry.builder("f", TocEntryType.CHUNK)
                    .offset(200)
                    .chunkOffset(1)
                    .chunkDigest(D1)
                    .build(),
                TocEntry.builder("dev/null", TocEntryType.CHAR).devMajor(1).devMinor(3).build()));
    assertThat(TocJson.parse(TocJson.write(toc))).isEqualTo(toc);
  }

  @Test
  void readsLikeGoDecoder() throws InvalidEstargzException {
    String json =
        "{\"Version\":1,\"extra\":{\"a\":[1,2]},\"entries\":[{\"Name\":\"x\",\"TYPE\":\"reg\","
            + "\"Size\":null,\"xattrs\":null,\"unknown\":[{}],\"linkName\":null}]}";
    Toc toc = TocJson.parse(json.getBytes(StandardCharsets.UTF_8));
    assertThat(toc.entries()).containsExactly(TocEntry.builder("x", TocEntryType.REG).build());
    assertThat(TocJson.parse("{\"version\":1,\"entries\":null}".getBytes()).entries()).isEmpty();
  }

  @Test
  void rejectsMalformedTocsNamingTheEntry() {
    assertBad("not json", "TOC is not valid JSON");
    assertBad("[]", "TOC must be an object, got an array");
    assertBad("{\"version\":2,\"entries\":[]}", "unsupported TOC version 2");
    assertBad("{\"entries\":[]}", "TOC JSON has no version");
    assertBad("{\"version\":1,\"entries\":[]} {}", "trailing data");
    assertBad(
        "{\"version\":1,\"entries\":[{\"name\":\"a\",\"type\":\"socket\"}]}",
        "TOC entry #0 (a) has unknown type 'socket'");
    assertBad("{\"version\":1,\"entries\":[{\"name\":\"a\"}]}", "TOC entry #0 (a) has no type");
    assertBad(
        "{\"version\":1,\"entries\":[{\"name\":\"a\",\"type\":\"reg\",\"size\":\"12\"}]}",
        "'size' of TOC entry #0 (a) must be an integer, got a string");
    assertBad(
        "{\"version\":1,\"entries\":[{\"name\":\"a\",\"type\":\"reg\",\"size\":1.5}]}",
        "must be an integer, got a fractional number");
    assertBad(
        "{\"version\":1,\"entries\":[{\"name\":\"a\",\"type\":\"reg\",\"size\":-1}]}",
        "TOC entry #0 (a): size of TOC entry 'a' must be >= 0, got -1");
    assertBad(
        "{\"version\":1,\"entries\":[{\"name\":\"a\",\"type\":\"reg\",\"offset\":99999999999999999999}]}",
        "does not fit 64 bits");
    assertBad(
        "{\"version\":1,\"entries\":[{\"name\":\"a\",\"type\":\"reg\",\"chunkDigest\":\"md5:00\"}]}",
        "TOC entry #0 (a) has invalid chunkDigest: invalid digest 'md5:00'");
    assertBad(
        "{\"version\":1,\"entries\":[{\"name\":\"a\",\"type\":\"reg\",\"modtime\":\"yesterday\"}]}",
        "TOC entry #0 (a) has invalid modtime 'yesterday'");
    assertBad(
        "{\"version\":1,\"entries\":[{\"name\":\"a\",\"type\":\"reg\",\"xattrs\":{\"user.x\":\"!!\"}}]}",
        "xattr 'user.x' in 'xattrs' of TOC entry #0 (a) is not valid base64");
    assertBad(
        "{\"version\":1,\"entries\":[{\"name\":\"a\",\"type\":\"reg\",\"xattrs\":[1]}]}",
        "'xattrs' of TOC entry #0 (a) must be an object, got an array");
    assertBad("{\"version\":1,\"entries\":[5]}", "TOC entry #0 must be an object, got an integer");
  }

  private static void assertBad(String json, String message) {
    assertThatThrownBy(() -> TocJson.parse(json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidEstargzException.class)
        .hasMessageContaining(message);
  }
}
