package dev.tracefetch.replayer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ForwardedRequestTest {
  private static InputStream http(String head, String body) {
    return new ByteArrayInputStream((head + body).getBytes(StandardCharsets.UTF_8));
  }

  private static String post(int length, String... extraHeaders) {
    StringBuilder h = new StringBuilder("POST /v1/run HTTP/1.1\r\nHost: localhost\r\n");
    for (String e : extraHeaders) {
      h.append(e).append("\r\n");
    }
    return h.append("Content-Length: ").append(length).append("\r\n\r\n").toString();
  }

  @Test
  void readsTheFieldsOfACurlRequest() throws Exception {
    String body = "/home/op\0tok\0mount\0img\0mnt\0--daemon\0";
    InputStream in = http(post(body.length(), "Expect: 100-continue"), body);

    ForwardedRequest.Head head = ForwardedRequest.readHead(in);
    ForwardedRequest r = ForwardedRequest.readBody(in, head);

    assertThat(head.expectsContinue()).isTrue();
    assertThat(r.workingDirectory()).isEqualTo(Path.of("/home/op"));
    assertThat(r.token()).isEqualTo("tok");
    assertThat(r.args()).containsExactly("mount", "img", "mnt", "--daemon");
  }

  @Test
  void keepsEmptyFieldsAndArgumentsWithSpacesAndNewlines() throws Exception {
    ForwardedRequest r =
        ForwardedRequest.parseBody(
            "/\0\0mount\0a b\0line1\nline2\0\0".getBytes(StandardCharsets.UTF_8), false);

    assertThat(r.token()).isEmpty();
    assertThat(r.args()).containsExactly("mount", "a b", "line1\nline2", "");
  }

  @Test
  void refusesOtherEndpointsMethodsAndBodiesWithoutALength() {
    assertStatus(http("GET /v1/run HTTP/1.1\r\n\r\n", ""), 405);
    assertStatus(http("POST /v2/other HTTP/1.1\r\nContent-Length: 0\r\n\r\n", ""), 404);
    assertStatus(http("POST /v1/run HTTP/1.1\r\n\r\n", ""), 411);
    assertStatus(http("POST /v1/run HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", ""), 411);
    assertStatus(http(post(ForwardedRequest.MAX_BODY_BYTES + 1), ""), 413);
    assertStatus(http("POST /v1/run HTTP/1.1\r\nContent-Length: x\r\n\r\n", ""), 400);
    assertStatus(http("POST /v1/run HTTP/1.1\r\nContent-Length: 3\r\n", ""), 400);
    assertStatus(http("garbage\r\n\r\n", ""), 400);
    assertStatus(http("POST /v1/run HTTP/1.1\r\nX: " + "a".repeat(20_000) + "\r\n\r\n", ""), 431);
  }

  @Test
  void refusesMalformedBodies() throws Exception {
    assertBody("/tmp\0tok\0mount", "must each end with a NUL");
    assertBody("/tmp\0tok\0", "needs the working directory, the token and a command");
    assertBody("relative\0tok\0mount\0", "not absolute: relative");
    String body = "/tmp\0t\0mount\0";
    InputStream in = http(post(body.length() + 5), body);
    ForwardedRequest.Head head = ForwardedRequest.readHead(in);
    assertThatThrownBy(() -> ForwardedRequest.readBody(in, head))
        .isInstanceOf(ForwardedRequest.RefusedException.class)
        .hasMessageContaining("ended after 13 of 18 bytes");
  }

  @Test
  void forwardsOnlyCommandsThatAreRequestsToADaemon() {
    assertThat(ForwardedCommandServer.forwardable(List.of("mount", "i", "m", "--daemon"))).isTrue();
    assertThat(
            ForwardedCommandServer.forwardable(
                List.of("mount", "i", "m", "--daemon-socket", "/d.sock")))
        .isTrue();
    assertThat(ForwardedCommandServer.forwardable(List.of("mount", "i", "m", "--daemon-socket=/d")))
        .isTrue();
    assertThat(ForwardedCommandServer.forwardable(List.of("mount", "i", "m"))).isFalse();
    assertThat(ForwardedCommandServer.forwardable(List.of("clear-cache", "--daemon-socket", "/d")))
        .isTrue();
    assertThat(ForwardedCommandServer.forwardable(List.of("clear-cache", "--cache", "/c")))
        .isFalse();
    assertThat(ForwardedCommandServer.forwardable(List.of("daemon", "--daemon-socket", "/d")))
        .isFalse();
    assertThat(ForwardedCommandServer.forwardable(List.of("prefetch-all", "--daemon"))).isFalse();
    assertThat(ForwardedCommandServer.forwardable(List.of())).isFalse();
  }

  @Test
  void theCliSocketSitsNextToTheDaemonSocket() {
    assertThat(ForwardedCommandServer.socketFor(Path.of("/run/tracefetch/replayer.sock")))
        .isEqualTo(Path.of("/run/tracefetch/replayer.cli.sock"));
    assertThat(ForwardedCommandServer.socketFor(Path.of("/tmp/daemon")))
        .isEqualTo(Path.of("/tmp/daemon.cli"));
  }

  @Test
  void aMountGetsTheClientsTokenNeverTheDaemons() {
    Path cwd = Path.of("/");
    assertThat(
            ForwardedCommandServer.withToken(
                new ForwardedRequest(cwd, "", List.of("mount", "i", "m", "--daemon"), false)))
        .containsExactly("mount", "i", "m", "--daemon", "--token=");
    assertThat(
            ForwardedCommandServer.withToken(
                new ForwardedRequest(cwd, "secret", List.of("mount", "i", "m", "--daemon"), false)))
        .endsWith("--token=secret");
    assertThat(
            ForwardedCommandServer.withToken(
                new ForwardedRequest(
                    cwd, "env", List.of("mount", "i", "m", "--daemon", "--token", "given"), false)))
        .containsExactly("mount", "i", "m", "--daemon", "--token", "given");
    assertThat(
            ForwardedCommandServer.withToken(
                new ForwardedRequest(
                    cwd, "env", List.of("clear-cache", "--daemon-socket", "/d"), false)))
        .containsExactly("clear-cache", "--daemon-socket", "/d");
  }

  private static void assertStatus(InputStream in, int status) {
    assertThatThrownBy(() -> ForwardedRequest.readHead(in))
        .isInstanceOfSatisfying(
            ForwardedRequest.RefusedException.class, e -> assertThat(e.status()).isEqualTo(status));
  }

  private static void assertBody(String body, String message) {
    assertThatThrownBy(
            () -> ForwardedRequest.parseBody(body.getBytes(StandardCharsets.UTF_8), false))
        .isInstanceOfSatisfying(
            ForwardedRequest.RefusedException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e).hasMessageContaining(message);
            });
  }
}
