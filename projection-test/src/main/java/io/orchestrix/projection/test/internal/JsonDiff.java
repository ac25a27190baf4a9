package io.orchestrix.projection.test.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compares two JSON documents by meaning (object keys in any order, numbers by value) and describes
 * where they differ, one line per path. Stateless and thread-safe.
 */
public final class JsonDiff {

  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .build();

  private JsonDiff() {}

  /** The JSON text as a tree; a text that is not JSON is kept as a string node. */
  public static JsonNode parse(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      return MAPPER.getNodeFactory().textNode(json);
    }
  }

  /** The JSON with object keys sorted, on one line: equal documents give equal text. */
  public static String canonical(String json) {
    return write(sorted(parse(json)), false);
  }

  /** The JSON with object keys sorted, indented for a message. */
  public static String pretty(String json) {
    return write(sorted(parse(json)), true);
  }

  /** The paths where the documents differ, each with both values; empty if they are equal. */
  public static List<String> differences(String expectedJson, String actualJson) {
    List<String> lines = new ArrayList<>();
    compare("$", sorted(parse(expectedJson)), sorted(parse(actualJson)), lines);
    return lines;
  }

  private static void compare(String path, JsonNode expected, JsonNode actual, List<String> out) {
    if (expected.isObject() && actual.isObject()) {
      TreeMap<String, Boolean> names = new TreeMap<>();
      expected.fieldNames().forEachRemaining(n -> names.put(n, true));
      actual.fieldNames().forEachRemaining(n -> names.put(n, true));
      for (String name : names.keySet()) {
        JsonNode e = expected.get(name);
        JsonNode a = actual.get(name);
        if (e == null) {
          out.add(path + "." + name + ": not expected, but was " + a);
        } else if (a == null) {
          out.add(path + "." + name + ": expected " + e + ", but it is missing");
        } else {
          compare(path + "." + name, e, a, out);
        }
      }
    } else if (expected.isArray() && actual.isArray()) {
      int size = Math.max(expected.size(), actual.size());
      for (int i = 0; i < size; i++) {
        if (i >= expected.size()) {
          out.add(path + "[" + i + "]: not expected, but was " + actual.get(i));
        } else if (i >= actual.size()) {
          out.add(path + "[" + i + "]: expected " + expected.get(i) + ", but it is missing");
        } else {
          compare(path + "[" + i + "]", expected.get(i), actual.get(i), out);
        }
      }
    } else if (!sameValue(expected, actual)) {
      out.add(path + ": expected " + expected + " but was " + actual);
    }
  }

  private static boolean sameValue(JsonNode expected, JsonNode actual) {
    if (expected.isNumber() && actual.isNumber()) {
      return expected.decimalValue().compareTo(actual.decimalValue()) == 0;
    }
    return expected.equals(actual);
  }

  private static JsonNode sorted(JsonNode node) {
    if (node.isObject()) {
      ObjectNode copy = MAPPER.createObjectNode();
      TreeMap<String, JsonNode> fields = new TreeMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        fields.put(field.getKey(), sorted(field.getValue()));
      }
      fields.forEach(copy::set);
      return copy;
    }
    if (node.isArray()) {
      var copy = MAPPER.createArrayNode();
      node.forEach(element -> copy.add(sorted(element)));
      return copy;
    }
    return node;
  }

  private static String write(JsonNode node, boolean pretty) {
    try {
      return pretty ? MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node)
          : MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      return node.toString();
    }
  }
}
