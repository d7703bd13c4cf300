package dev.gantry.activities.support;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.gantry.workflows.api.input.Names;
import java.time.temporal.Temporal;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Where and why a JSON or YAML file could not be read, without quoting it. Jackson's and SnakeYAML's own
 * messages quote the offending input ("Unrecognized token 'root:$6$...'"), and a file named by hostile
 * configuration may be {@code /etc/shadow}: their messages are never passed on, only the line, the
 * column and the path of schema field names.
 *
 * <p>Map keys are the file's own words: a key is shown only when it has the shape of a name
 * ({@link Names#PERSON}: a short handle), anything else becomes {@code <key>}. An unknown field is never
 * named; the fields that are allowed there are.
 */
public final class ParseErrors {
  private ParseErrors() {}

  /**
   * The end of a sentence that began with the file's name: "is not valid YAML at line 3, column 7",
   * "has an unknown field in people.alice at line 4 (allowed: groups, publicKey)", ...
   *
   * @param format "YAML" or "JSON", for the message
   */
  public static String describe(JsonProcessingException e, String format) {
    String line = where(e.getLocation());
    if (e instanceof StreamReadException) {
      return "is not valid " + format + line;
    }
    if (e instanceof UnrecognizedPropertyException unknown) {
      List<JsonMappingException.Reference> path = unknown.getPath();
      String parent = pathOf(path.subList(0, Math.max(0, path.size() - 1)));
      return "has an unknown field " + (parent.isEmpty() ? "at the top level" : "in " + parent) + line
          + " (allowed: " + String.join(", ", allowed(unknown.getKnownPropertyIds())) + ")";
    }
    String path = e instanceof JsonMappingException mapping ? pathOf(mapping.getPath()) : "";
    String at = path.isEmpty() ? "" : " at " + path;
    if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
      return "has a value of the wrong kind" + at + line + ": expected " + kindOf(mismatch.getTargetType());
    }
    return "cannot be read as the expected " + format + at + line;
  }

  /** " at line 3, column 7", or "" when the parser did not say. */
  public static String where(JsonLocation location) {
    if (location == null || location.getLineNr() < 1) {
      return "";
    }
    return " at line " + location.getLineNr()
        + (location.getColumnNr() > 0 ? ", column " + location.getColumnNr() : "");
  }

  /** Jackson's path in the file's own notation, {@code keys[1].notBefore}, map keys shown only if name-shaped. */
  static String pathOf(List<JsonMappingException.Reference> references) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference reference : references) {
      if (reference.getFieldName() != null) {
        String name = isMap(reference.getFrom()) && !Names.isPerson(reference.getFieldName())
            ? "<key>" : reference.getFieldName();
        path.append(path.isEmpty() ? "" : ".").append(name);
      } else if (reference.getIndex() >= 0) {
        path.append('[').append(reference.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  private static boolean isMap(Object from) {
    return from instanceof Map || (from instanceof Class<?> type && Map.class.isAssignableFrom(type));
  }

  private static List<String> allowed(Collection<Object> known) {
    TreeSet<String> names = new TreeSet<>();
    if (known != null) {
      known.forEach(name -> names.add(String.valueOf(name)));
    }
    return List.copyOf(names);
  }

  /** The kind of value a field wants, in the words of the file, not of Java. */
  private static String kindOf(Class<?> type) {
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "a list";
    }
    if (type == String.class || type == Character.class || type.isEnum()) {
      return "a text";
    }
    if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != boolean.class)) {
      return "a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (Temporal.class.isAssignableFrom(type)) {
      return "a timestamp like 2026-01-01T00:00:00Z";
    }
    return "a mapping (key: value)";
  }
}
