package dev.tracefetch.builder.convert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tracefetch.builder.cli.TraceLayerBuilderCommand;
import dev.tracefetch.builder.testing.MixedImage;
import dev.tracefetch.builder.testing.MixedImage.Encoding;
import dev.tracefetch.oci.registry.RegistryClient;
import dev.tracefetch.oci.testing.RegistryExtension;
import dev.tracefetch.oci.testing.TestLayer;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/** A destination registry that refuses the push: the error names the action, nothing is tagged. */
class ConvertAuthIT {
  @RegisterExtension static final RegistryExtension SOURCE = RegistryExtension.anonymous();

  @RegisterExtension
  static final RegistryExtension GUARDED = RegistryExtension.withBasicAuth("builder", "s3cret");

  @Test
  void aRefusedPushNamesTheActionAndLeavesNoTag() throws Exception {
    try (RegistryClient client = SOURCE.newClient()) {
      MixedImage.builder()
          .layer(TestLayer.builder().file("etc/motd", "hi\n").build(), Encoding.GZIP)
          .build()
          .push(client, "app", "v1");
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int code =
        new CommandLine(new TraceLayerBuilderCommand())
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(
                "convert", SOURCE.hostPort() + "/app:v1", GUARDED.hostPort() + "/app:v1", "-q");

    assertThat(code).isEqualTo(1);
    assertThat(err.toString())
        .startsWith("trace-layer-builder convert: ")
        .contains("registry " + GUARDED.hostPort())
        .contains("repository app")
        .contains("check blob failed")
        .contains("requires credentials")
        .contains("docker login");
    assertThat(out.toString()).isEmpty();
    try (RegistryClient authorized = GUARDED.newClient()) {
      assertThat(authorized.headManifest("app", "v1")).isEmpty();
    }
  }
}
