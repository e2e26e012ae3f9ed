package dev.tracefetch.layer.estargz;

import java.util.ArrayList;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/** Walks the gzip members of a blob independently of the code under test. */
final class GzipMembers {
  private GzipMembers() {}

  /** A member: where it starts and ends in the blob, and what it decompresses to. */
  record Member(long start, long end, byte[] content) {}

  static List<Member> walk(byte[] blob) throws DataFormatException {
    List<Member> members = new ArrayList<>();
    int pos = 0;
    while (pos < blob.length) {
      int start = pos;
      if ((blob[pos] & 0xff) != 0x1f || (blob[pos + 1] & 0xff) != 0x8b || blob[pos + 2] != 8) {
        throw new IllegalStateException("no gzip header at " + pos);
      }
      int flags = blob[pos + 3] & 0xff;
      pos += 10;
      if ((flags & 4) != 0) {
        pos += 2 + ((blob[pos] & 0xff) | (blob[pos + 1] & 0xff) << 8);
      }
      if ((flags & ~4) != 0) {
        throw new IllegalStateException("unexpected gzip flags " + flags + " at " + start);
      }
      Inflater inf = new Inflater(true);
      inf.setInput(blob, pos, blob.length - pos);
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      byte[] buf = new byte[65536];
      while (!inf.finished()) {
        int n = inf.inflate(buf);
        if (n == 0 && inf.needsInput()) {
          throw new IllegalStateException("member at " + start + " is truncated");
        }
        out.write(buf, 0, n);
      }
      pos = blob.length - inf.getRemaining() + 8;
      inf.end();
      members.add(new Member(start, pos, out.toByteArray()));
    }
    return members;
  }
}
