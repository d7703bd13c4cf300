package dev.gantry.workflows.api.quality;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The security bar an environment demands. Either part may be used alone; each threshold needs its report.
 *
 * @param scoreReport absolute path of a {@code score.json} ({@code {"score": 8.7}}, the shape OpenSSF
 *                    Scorecard's {@code --format json} output has at the top level); optional
 * @param minScore    the lowest acceptable score (inclusive); required when {@code scoreReport} is set
 * @param sarifReport absolute path of a SARIF 2.1.0 file from a scanner (CodeQL, Trivy, Semgrep, ...);
 *                    optional
 * @param maxCritical the most findings of critical severity (CVSS security-severity 9.0 and above) that
 *                    may remain; {@code 0} means none
 * @param maxHigh     the most findings of high severity (7.0 to 8.9, or level {@code error} without a
 *                    security-severity) that may remain; critical findings are not counted here
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SecurityRule(
    String scoreReport, Double minScore, String sarifReport, Integer maxCritical, Integer maxHigh) {}
