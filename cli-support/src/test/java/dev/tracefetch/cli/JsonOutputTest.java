package dev.tracefetch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonOutputTest {
  enum Action {
    CONVERTED
  }

  @Test
  void writesNestedValuesCompactlyInInsertionOrder() {
    Map<String, Object> layer = new LinkedHashMap<>();
    layer.put("digest", "sha256:ab");
    layer.put("action", Action.CONVERTED);
    layer.put("size", 123L);
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("ok", true);
    root.put("layers", List.of(layer));
    root.put("ratio", 0.5);
    root.put("missing", null);
    root.put("ints", new int[] {1, 2});
    assertThat(JsonOutput.toJson(root))
        .isEqualTo(
            "{\"ok\":true,\"layers\":[{\"digest\":\"sha256:ab\",\"action\":\"CONVERTED\","
                + "\"size\":123}],\"ratio\":0.5,\"missing\":null,\"ints\":[1,2]}");
  }

  @Test
  void escapesStringsSoAJsonParserReadsThemBack() throws Exception {
    char[] all = new char[0x30];
    Arrays.setAll(new Object[all.length], i -> all[i] = (char) i);
    String tricky = new String(all) + "\"\\/ü\u2028€😀";
    String json = JsonOutput.toJson(Map.of("s", tricky));
    JsonNode parsed = new ObjectMapper().readTree(json);
    assertThat(parsed.get("s").textValue()).isEqualTo(tricky);
    assertThat(json).doesNotContain("\n").doesNotContain("\u2028");
  }

  @Test
  void printsOneLine() {
    StringWriter s = new StringWriter();
    JsonOutput.print(new PrintWriter(s), List.of("a", 1));
    assertThat(s.toString()).isEqualTo("[\"a\",1]" + System.lineSeparator());
  }

  @Test
  void refusesWhatJsonCannotSay() {
    assertThatThrownBy(() -> JsonOutput.toJson(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JsonOutput.toJson(new Object()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.lang.Object");
  }
}
