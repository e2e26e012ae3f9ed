package dev.tracefetch.replayer.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One {@code replayer} command a client forwarded to the daemon's CLI socket: {@code POST /v1/run}
 * whose body holds NUL-terminated fields, the client's working directory, its {@code
 * $TRACEFETCH_STORE_TOKEN} (empty when unset), then the command's arguments ({@code printf '%s\0'
 * "$PWD" "$TOKEN" "$@"} in the launcher). Fields rather than JSON, so the shell needs no quoting.
 *
 * @param workingDirectory absolute; relative paths among the arguments resolve against it
 * @param token the client's store token, empty when it has none
 * @param args the command line after {@code replayer}, never empty
 * @param expectsContinue whether the client waits for {@code 100 Continue} before the body
 */
record ForwardedRequest(
    Path workingDirectory, String token, List<String> args, boolean expectsContinue) {

  /** The request path. */
  static final String PATH = "/v1/run";

  static final int MAX_HEAD_BYTES = 16 << 10;
  static final int MAX_BODY_BYTES = 256 << 10;

  /** A request that cannot be served, with the HTTP status to answer and the reason. */
  static final class RefusedException extends Exception {
    private final int status;

    RefusedException(int status, String message) {
      super(message);
      this.status = status;
    }

    int status() {
      return status;
    }
  }

  /** The request head: enough to answer {@code 100 Continue} before reading the body. */
  record Head(int contentLength, boolean expectsContinue) {}

  /**
   * Reads the request line and headers.
   *
   * @throws RefusedException for anything but {@code POST /v1/run} with a body of a known length
   *     within the limit
   */
  static Head readHead(InputStream in) throws IOException, RefusedException {
    String head = readUntilBlankLine(in);
    String[] lines = head.split("\r\n");
    String[] requestLine = lines[0].split(" ");
    if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.")) {
      throw new RefusedException(400, "not an HTTP/1.x request line: " + lines[0]);
    }
    if (!requestLine[1].equals(PATH)) {
      throw new RefusedException(404, "no such endpoint: " + requestLine[1]);
    }
    if (!requestLine[0].equals("POST")) {
      throw new RefusedException(405, PATH + " takes POST, not " + requestLine[0]);
    }
    long length = -1;
    boolean expectsContinue = false;
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon <= 0) {
        throw new RefusedException(400, "malformed header line: " + lines[i]);
      }
      String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = lines[i].substring(colon + 1).trim();
      switch (name) {
        case "content-length" -> {
          try {
            length = Long.parseLong(value);
          } catch (NumberFormatException e) {
            throw new RefusedException(400, "Content-Length is not a number: " + value);
          }
        }
        case "transfer-encoding" ->
            throw new RefusedException(411, "send the body with a Content-Length, not " + value);
        case "expect" -> expectsContinue = value.equalsIgnoreCase("100-continue");
        default -> {
          // Host, User-Agent, Accept, Content-Type: not needed.
        }
      }
    }
    if (length < 0) {
      throw new RefusedException(411, "the request has no Content-Length");
    }
    if (length > MAX_BODY_BYTES) {
      throw new RefusedException(
          413, "the body has " + length + " bytes; at most " + MAX_BODY_BYTES + " are accepted");
    }
    return new Head((int) length, expectsContinue);
  }

  /**
   * Reads the body announced by {@code head} and splits it into the request's fields.
   *
   * @throws RefusedException if the body is shorter than announced or its fields are malformed
   */
  static ForwardedRequest readBody(InputStream in, Head head) throws IOException, RefusedException {
    byte[] body = in.readNBytes(head.contentLength());
    if (body.length < head.contentLength()) {
      throw new RefusedException(
          400, "the body ended after " + body.length + " of " + head.contentLength() + " bytes");
    }
    return parseBody(body, head.expectsContinue());
  }

  /** Splits a body into its fields (see the type's description). */
  static ForwardedRequest parseBody(byte[] body, boolean expectsContinue) throws RefusedException {
    if (body.length == 0 || body[body.length - 1] != 0) {
      throw new RefusedException(400, "the body's fields must each end with a NUL byte");
    }
    List<String> fields = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < body.length; i++) {
      if (body[i] == 0) {
        fields.add(new String(body, start, i - start, StandardCharsets.UTF_8));
        start = i + 1;
      }
    }
    if (fields.size() < 3) {
      throw new RefusedException(
          400, "the body needs the working directory, the token and a command; it has " + fields);
    }
    Path cwd;
    try {
      cwd = Path.of(fields.get(0));
    } catch (RuntimeException e) {
      throw new RefusedException(400, "the working directory is not a path: " + fields.get(0));
    }
    if (!cwd.isAbsolute()) {
      throw new RefusedException(400, "the working directory is not absolute: " + cwd);
    }
    return new ForwardedRequest(
        cwd, fields.get(1), List.copyOf(fields.subList(2, fields.size())), expectsContinue);
  }

  private static String readUntilBlankLine(InputStream in) throws IOException, RefusedException {
    ByteArrayOutputStream head = new ByteArrayOutputStream(512);
    int last4 = 0; // the last four bytes read, oldest in the high byte
    while (last4 != 0x0d0a0d0a) {
      int b = in.read();
      if (b < 0) {
        throw new RefusedException(400, "the connection closed inside the request head");
      }
      head.write(b);
      if (head.size() > MAX_HEAD_BYTES) {
        throw new RefusedException(431, "the request head exceeds " + MAX_HEAD_BYTES + " bytes");
      }
      last4 = (last4 << 8) | b;
    }
    byte[] bytes = head.toByteArray();
    return new String(bytes, 0, bytes.length - 4, StandardCharsets.ISO_8859_1);
  }
}
