package dev.gantry.starter.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.workflows.api.input.Names;
import java.util.List;
import java.util.Set;

/**
 * How the offline report reads a field and shows a value. All three files it reads are hostile: what they say
 * is shown only as short, one-line, printable values.
 */
final class ReportText {
  /** How much of a value from a file the report shows. */
  private static final int SHOWN = 200;
  /** How much of a value a finding quotes: a digest fits. */
  private static final int QUOTED = 100;

  private ReportText() {}

  static String text(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return value == null || value.isNull() || value.isContainerNode() ? null : value.asText();
  }

  /** A value from a file, fit to show: one line, no control or formatting characters, at most 200 characters. */
  static String clean(String value) {
    if (value == null) {
      return null;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < value.length() && out.length() < SHOWN; i++) {
      char c = value.charAt(i);
      // control characters and invisible formatting (bidirectional overrides, zero-width) become spaces
      out.append(Character.isISOControl(c) || Character.getType(c) == Character.FORMAT ? ' ' : c);
    }
    return value.length() > SHOWN ? out + "..." : out.toString();
  }

  /** A value in a finding: quoted, printable ASCII only, at most 100 characters (a digest fits), the rest counted. */
  static String shown(String value) {
    return Names.shown(value, QUOTED);
  }

  /** Up to five values, shown, and how many more there are. */
  static String shownAll(Set<String> values) {
    List<String> list = values.stream().limit(5).map(ReportText::shown).toList();
    return String.join(", ", list) + (values.size() > 5 ? " and " + (values.size() - 5) + " more" : "");
  }
}
