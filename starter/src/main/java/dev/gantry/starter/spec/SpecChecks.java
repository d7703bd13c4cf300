package dev.gantry.starter.spec;

import java.util.List;

/** The checks every section of a spec, policy or environment config makes, and how a value is quoted in a problem. */
final class SpecChecks {
  private SpecChecks() {}

  static void checkRange(String where, String field, Integer value, int min, int max,
      List<String> problems) {
    if (value != null && (value < min || value > max)) {
      problems.add(where + ": field '" + field + "' is " + value + "; allowed " + min + ".." + max);
    }
  }

  /** Adds the problem unless {@code ok}. */
  static void require(boolean ok, List<String> problems, String problem) {
    if (!ok) {
      problems.add(problem);
    }
  }

  static boolean blank(String value) {
    return value == null || value.isBlank();
  }

  /** A value in a problem: quoted, or "nothing". */
  static String quoted(String value) {
    return value == null ? "nothing" : "'" + value + "'";
  }
}
