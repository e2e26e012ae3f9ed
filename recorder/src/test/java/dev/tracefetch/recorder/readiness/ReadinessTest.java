package dev.tracefetch.recorder.readiness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tracefetch.api.v1.Readiness.Kind;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class ReadinessTest {
  @Test
  void parsesEveryKind() {
    assertThat(Readiness.parse("exit")).isEqualTo(new Readiness.Exit());
    assertThat(Readiness.parse("log:listening on \\d+").detail()).isEqualTo("listening on \\d+");
    assertThat(Readiness.parse("tcp:8080")).isEqualTo(new Readiness.Tcp(8080));
    assertThat(Readiness.parse("http:http://127.0.0.1:80/health").detail())
        .isEqualTo("http://127.0.0.1:80/health");
    assertThat(Readiness.parse("http://127.0.0.1:80/health").kind()).isEqualTo(Kind.HTTP);
    assertThat(Readiness.parse("https://h/x").detail()).isEqualTo("https://h/x");
  }

  @Test
  void badValuesSayWhatWasExpected() {
    assertThatThrownBy(() -> Readiness.parse("ready")).hasMessageContaining("exit, log:REGEX");
    assertThatThrownBy(() -> Readiness.parse("tcp:eighty")).hasMessageContaining("port number");
    assertThatThrownBy(() -> Readiness.parse("tcp:70000")).hasMessageContaining("1..65535");
    assertThatThrownBy(() -> Readiness.parse("log:(")).hasMessageContaining("not a valid regular");
    assertThatThrownBy(() -> Readiness.parse("log:")).hasMessageContaining("regular expression");
    assertThatThrownBy(() -> Readiness.parse("http:nohost")).hasMessageContaining("http(s) URL");
  }

  @Test
  void logProbeMatchesOnceAnywhereInALine() throws Exception {
    ReadinessProbe p = new ReadinessProbe(Readiness.parse("log:listening on \\d+"));
    assertThat(p.poll()).isFalse();
    assertThat(p.onLine("starting")).isFalse();
    assertThat(p.onLine("INFO listening on 8080 now")).isTrue();
    assertThat(p.onLine("listening on 9090")).isFalse();
    assertThat(p.poll()).isTrue();
  }

  @Test
  void tcpProbeSeesAListeningPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      assertThat(new ReadinessProbe(new Readiness.Tcp(s.getLocalPort())).poll()).isTrue();
    }
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    assertThat(new ReadinessProbe(new Readiness.Tcp(closed)).poll()).isFalse();
  }
}
