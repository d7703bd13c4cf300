package dev.gantry.starter.report;

import java.util.ArrayList;
import java.util.List;

/** The disagreements: all counted, the first {@link #MAX_FINDINGS} kept. */
final class Findings {
  /** Findings beyond this are counted, not listed. */
  static final int MAX_FINDINGS = 50;

  private final List<String> all = new ArrayList<>();

  void add(String finding) {
    all.add(finding);
  }

  boolean none() {
    return all.isEmpty();
  }

  List<String> shown() {
    return all.stream().limit(MAX_FINDINGS).toList();
  }

  int notShown() {
    return Math.max(0, all.size() - MAX_FINDINGS);
  }
}
