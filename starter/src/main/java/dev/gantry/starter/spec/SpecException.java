package dev.gantry.starter.spec;

import java.util.List;

/** A release spec that cannot be used, with every problem found (not just the first). */
public class SpecException extends RuntimeException {
  private final List<String> problems;

  /** A problem quoting a value is cut to this many characters: a 4 MB string is not echoed back. */
  static final int MAX_PROBLEM_CHARS = 500;

  public SpecException(List<String> problems) {
    this("the release spec", clipped(problems));
  }

  /** Problems of something else than a release spec: {@code what} is "the platform policy", say. */
  public SpecException(String what, List<String> problems) {
    this(clipped(problems), what);
  }

  private SpecException(List<String> clipped, String what) {
    super(what + " has " + clipped.size() + " problem(s):\n  - " + String.join("\n  - ", clipped));
    this.problems = clipped;
  }

  private static List<String> clipped(List<String> problems) {
    return problems.stream().map(problem -> problem == null || problem.length() <= MAX_PROBLEM_CHARS ? problem
        : problem.substring(0, MAX_PROBLEM_CHARS) + "... (" + (problem.length() - MAX_PROBLEM_CHARS)
            + " more characters)").toList();
  }

  public List<String> problems() {
    return problems;
  }
}
