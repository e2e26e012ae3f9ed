package dev.tracefetch.store.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PlanControllerTest {
  @Test
  void nodesAskingForProtobufGetProtobuf() {
    assertThat(PlanController.prefersProtobuf("application/x-protobuf")).isTrue();
    assertThat(PlanController.prefersProtobuf("application/x-protobuf, application/json;q=0.5"))
        .isTrue();
  }

  @Test
  void jsonWinsForWildcardsAndWhenPreferred() {
    assertThat(PlanController.prefersProtobuf(null)).isFalse();
    assertThat(PlanController.prefersProtobuf("*/*")).isFalse();
    assertThat(PlanController.prefersProtobuf("application/json")).isFalse();
    assertThat(PlanController.prefersProtobuf("application/x-protobuf;q=0.4, application/json"))
        .isFalse();
  }
}
