package dev.tracefetch.replayer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FramedOutputTest {
  @Test
  void tagsEachLineWithItsStreamInOrderAndEndsWithTheExitCode() throws Exception {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    FramedOutput output = new FramedOutput(sink);

    output.out().println("first");
    output.err().printf("warn %d%n", 2);
    output.out().print("partial");
    output.err().println("crlf\r");
    output.finish(3);

    assertThat(sink.toString(StandardCharsets.UTF_8))
        .isEqualTo("1 first\n2 warn 2\n2 crlf\n1 partial\nexit 3\n");
  }

  @Test
  void sendsALineAsSoonAsItIsComplete() {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    FramedOutput output = new FramedOutput(sink);

    output.err().print("half");
    assertThat(sink.size()).isZero();
    output.err().println(" whole");

    assertThat(sink.toString(StandardCharsets.UTF_8)).isEqualTo("2 half whole\n");
  }
}
