package dev.gantry.starter.spec;

import java.util.List;

/** A release spec that cannot be used, with every problem found (not just the first). */
public class SpecException extends RuntimeException {
  private final List<String> problems;

  public SpecException(List<String> problems) {
    super("the release spec has " + problems.size() + " problem(s):\n  - " + String.join("\n  - ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
