package dev.gantry.workflows.api.rollout;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * @param verdict  {@link #PASS}, {@link #FAIL} or {@link #INCONCLUSIVE}
 * @param detail   one line a person can act on, e.g. {@code error rate 4.1% > max 1.0%}
 * @param canary   the new version's metrics
 * @param baseline the baseline version's metrics, or null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AnalysisResult(String verdict, String detail, VersionMetrics canary, VersionMetrics baseline) {
  public static final String PASS = "pass";
  public static final String FAIL = "fail";
  public static final String INCONCLUSIVE = "inconclusive";

  public static AnalysisResult pass(String detail) {
    return new AnalysisResult(PASS, detail, null, null);
  }

  public static AnalysisResult fail(String detail) {
    return new AnalysisResult(FAIL, detail, null, null);
  }

  public static AnalysisResult inconclusive(String detail) {
    return new AnalysisResult(INCONCLUSIVE, detail, null, null);
  }
}
