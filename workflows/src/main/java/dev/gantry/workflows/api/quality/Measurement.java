package dev.gantry.workflows.api.quality;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One number read from a report and compared with its threshold.
 *
 * @param name       what was measured: {@value #COVERAGE_LINES}, {@value #SECURITY_SCORE},
 *                   {@value #CRITICAL_FINDINGS} or {@value #HIGH_FINDINGS}
 * @param value      the measured value (a percentage, a score, or a count of findings)
 * @param comparator {@value #AT_LEAST} (the value must be at least the threshold) or {@value #AT_MOST}
 * @param threshold  the limit from the policy
 * @param passed     whether {@code value comparator threshold} holds
 * @param source     the report the value came from (absolute path) and its format
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Measurement(
    String name, double value, String comparator, double threshold, boolean passed, String source) {
  public static final String COVERAGE_LINES = "coverage.lines.pct";
  public static final String SECURITY_SCORE = "security.score";
  public static final String CRITICAL_FINDINGS = "security.findings.critical";
  public static final String HIGH_FINDINGS = "security.findings.high";
  public static final String AT_LEAST = ">=";
  public static final String AT_MOST = "<=";

  /** A measurement that must reach {@code threshold}. */
  public static Measurement atLeast(String name, double value, double threshold, String source) {
    return new Measurement(name, value, AT_LEAST, threshold, value >= threshold, source);
  }

  /** A measurement that must not exceed {@code threshold}. */
  public static Measurement atMost(String name, double value, double threshold, String source) {
    return new Measurement(name, value, AT_MOST, threshold, value <= threshold, source);
  }
}
