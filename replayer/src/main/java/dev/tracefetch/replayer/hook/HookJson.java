package dev.tracefetch.replayer.hook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The little JSON reading the hook needs (state and config.json); errors name the document. */
final class HookJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private HookJson() {}

  static JsonNode readObject(byte[] bytes, String what) throws HookInputException {
    JsonNode node;
    try {
      node = MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new HookInputException("malformed JSON in " + what + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new HookInputException("cannot read " + what + ": " + e.getMessage(), e);
    }
    if (node == null || !node.isObject()) {
      throw new HookInputException(what + " is not a JSON object");
    }
    return node;
  }

  /** String values of the object {@code node.field}, or an empty map. */
  static Map<String, String> stringMap(JsonNode node, String field) {
    Map<String, String> out = new LinkedHashMap<>();
    JsonNode obj = node.get(field);
    if (obj != null && obj.isObject()) {
      obj.fields()
          .forEachRemaining(
              e -> {
                if (e.getValue().isTextual()) {
                  out.put(e.getKey(), e.getValue().asText());
                }
              });
    }
    return Map.copyOf(out);
  }

  static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v != null && v.isTextual() ? v.asText() : null;
  }
}
