package dev.gantry.workflows.api.quality;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The line coverage an environment demands of the release's test report.
 *
 * @param report      absolute path of the coverage report on the worker's file system (the spec loader
 *                    resolves paths written relative to {@code release.yaml}): Istanbul's
 *                    {@code coverage-summary.json} or JaCoCo's {@code jacoco.xml}
 * @param format      {@value #ISTANBUL} ({@code .total.lines.pct} of {@code coverage-summary.json}) or
 *                    {@value #JACOCO} (the report-level {@code <counter type="LINE">} of the XML report)
 * @param minLinesPct the lowest acceptable line coverage in percent (0 to 100); the gate passes at exactly
 *                    this value
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CoverageRule(String report, String format, Double minLinesPct) {
  public static final String ISTANBUL = "istanbul";
  public static final String JACOCO = "jacoco";
}
