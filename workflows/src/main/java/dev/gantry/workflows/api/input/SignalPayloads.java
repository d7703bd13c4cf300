package dev.gantry.workflows.api.input;

import java.util.Locale;
import java.util.Map;

/**
 * Reads the fields of a signal payload typed by a person (the Temporal UI sends whatever JSON was typed),
 * collecting what is wrong instead of failing, so the release can refuse the signal and record why.
 */
public final class SignalPayloads {
  private SignalPayloads() {}

  /** A payload as fields, or null with {@code problems} saying why it is not a JSON object. */
  public static Map<?, ?> fields(Object payload, String shape, StringBuilder problems) {
    if (payload instanceof Map<?, ?> fields) {
      return fields;
    }
    String got = payload == null ? "null" : payload instanceof String ? "a string"
        : "a " + payload.getClass().getSimpleName().toLowerCase(Locale.ROOT);
    problems.append("the payload must be one JSON object like ").append(shape).append(", got ").append(got);
    return Map.of();
  }

  public static String text(Map<?, ?> fields, String name, StringBuilder problems) {
    Object value = fields.get(name);
    if (value == null || value instanceof String) {
      return (String) value;
    }
    problems.append(problems.length() == 0 ? "" : "; ").append("field '").append(name)
        .append("' must be a string");
    return null;
  }

  public static String malformed(StringBuilder problems, String shape) {
    if (problems.length() == 0) {
      return null;
    }
    return problems.indexOf("the payload must") == 0 ? problems.toString() : problems + "; send " + shape;
  }
}
