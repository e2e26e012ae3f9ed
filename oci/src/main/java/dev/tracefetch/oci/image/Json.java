package dev.tracefetch.oci.image;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Jackson set-up and field readers shared by the image documents. Package-private: callers see
 * typed values and bytes, never Jackson nodes. Numbers are read exactly (big decimals) so that
 * unknown config fields survive a parse/serialise round trip; duplicate keys are rejected because
 * two readers could otherwise disagree about what a digested document says.
 */
final class Json {
  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .build();

  static final JsonNodeFactory NODES = MAPPER.getNodeFactory();

  private Json() {}

  /** Parses {@code bytes} as one JSON object; {@code what} names the document in errors. */
  static ObjectNode readObject(byte[] bytes, String what) throws ImageFormatException {
    JsonNode node;
    try {
      node = MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new ImageFormatException(
          "malformed JSON in " + what + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new ImageFormatException("cannot read JSON of " + what + ": " + e.getMessage(), e);
    }
    if (node == null || node.isMissingNode()) {
      throw new ImageFormatException("malformed JSON in " + what + ": document is empty");
    }
    if (!node.isObject()) {
      throw new ImageFormatException(
          "malformed " + what + ": expected a JSON object, got " + node.getNodeType());
    }
    return (ObjectNode) node;
  }

  /** Compact UTF-8 JSON, fields in the node's insertion order. */
  static byte[] write(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot serialise JSON tree", e);
    }
  }

  static String optionalText(JsonNode parent, String field, String where)
      throws ImageFormatException {
    JsonNode n = parent.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual()) {
      throw new ImageFormatException(
          where + ": field '" + field + "' must be a string, got " + n.getNodeType());
    }
    return n.textValue();
  }

  static String requiredText(JsonNode parent, String field, String where)
      throws ImageFormatException {
    String s = optionalText(parent, field, where);
    if (s == null) {
      throw new ImageFormatException(where + ": required field '" + field + "' is missing");
    }
    return s;
  }

  static long requiredLong(JsonNode parent, String field, String where)
      throws ImageFormatException {
    JsonNode n = parent.get(field);
    if (n == null || n.isNull()) {
      throw new ImageFormatException(where + ": required field '" + field + "' is missing");
    }
    if (!n.isIntegralNumber() || !n.canConvertToLong()) {
      throw new ImageFormatException(
          where + ": field '" + field + "' must be an integer, got " + n.toString());
    }
    return n.longValue();
  }

  static ObjectNode optionalObject(JsonNode parent, String field, String where)
      throws ImageFormatException {
    JsonNode n = parent.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isObject()) {
      throw new ImageFormatException(
          where + ": field '" + field + "' must be an object, got " + n.getNodeType());
    }
    return (ObjectNode) n;
  }

  static ObjectNode requiredObject(JsonNode parent, String field, String where)
      throws ImageFormatException {
    ObjectNode n = optionalObject(parent, field, where);
    if (n == null) {
      throw new ImageFormatException(where + ": required field '" + field + "' is missing");
    }
    return n;
  }

  static ArrayNode optionalArray(JsonNode parent, String field, String where)
      throws ImageFormatException {
    JsonNode n = parent.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isArray()) {
      throw new ImageFormatException(
          where + ": field '" + field + "' must be an array, got " + n.getNodeType());
    }
    return (ArrayNode) n;
  }

  static ArrayNode requiredArray(JsonNode parent, String field, String where)
      throws ImageFormatException {
    ArrayNode n = optionalArray(parent, field, where);
    if (n == null) {
      throw new ImageFormatException(where + ": required field '" + field + "' is missing");
    }
    return n;
  }

  /** A list of strings; absent or null gives an empty list. */
  static List<String> stringList(JsonNode parent, String field, String where)
      throws ImageFormatException {
    ArrayNode array = optionalArray(parent, field, where);
    if (array == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      JsonNode n = array.get(i);
      if (!n.isTextual()) {
        throw new ImageFormatException(
            where + ": " + field + "[" + i + "] must be a string, got " + n.getNodeType());
      }
      out.add(n.textValue());
    }
    return List.copyOf(out);
  }

  /** A string-to-string map; absent or null gives an empty map. Insertion order is kept. */
  static Map<String, String> stringMap(JsonNode parent, String field, String where)
      throws ImageFormatException {
    ObjectNode object = optionalObject(parent, field, where);
    if (object == null) {
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    var fields = object.fields();
    while (fields.hasNext()) {
      var e = fields.next();
      if (!e.getValue().isTextual()) {
        throw new ImageFormatException(
            where
                + ": "
                + field
                + "['"
                + e.getKey()
                + "'] must be a string, got "
                + e.getValue().getNodeType());
      }
      out.put(e.getKey(), e.getValue().textValue());
    }
    return Collections.unmodifiableMap(out);
  }

  static Digest digest(JsonNode parent, String field, String where) throws ImageFormatException {
    String s = requiredText(parent, field, where);
    try {
      return Digest.parse(s);
    } catch (IllegalArgumentException e) {
      throw new ImageFormatException(where + ": field '" + field + "': " + e.getMessage(), e);
    }
  }

  static ArrayNode stringArray(List<String> values) {
    ArrayNode array = NODES.arrayNode();
    values.forEach(array::add);
    return array;
  }

  static ObjectNode stringObject(Map<String, String> values) {
    ObjectNode object = NODES.objectNode();
    values.forEach(object::put);
    return object;
  }
}
