package dev.gantry.activities.quality;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.workflows.api.quality.CoverageRule;
import dev.gantry.workflows.api.quality.Measurement;
import dev.gantry.workflows.api.quality.QualityGateActivities;
import dev.gantry.workflows.api.quality.QualityGatePolicy;
import dev.gantry.workflows.api.quality.QualityGateRequest;
import dev.gantry.workflows.api.quality.QualityGateResult;
import dev.gantry.workflows.api.quality.SecurityRule;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Evaluates a quality gate from report files on the worker's file system.
 *
 * <p>Every configured threshold yields one {@link Measurement}; a missed threshold, and a report that is
 * missing, unreadable or malformed, each yield one problem. The gate passes only when there is no problem.
 * Formats: see {@link CoverageReports} (Istanbul, JaCoCo), {@link SarifSeverities} (SARIF 2.1.0) and
 * {@code score.json} ({@code {"score": 8.7}}, a number at the top level).
 */
public class QualityGateActivitiesImpl implements QualityGateActivities {

  @Override
  public QualityGateResult evaluate(QualityGateRequest request) {
    QualityGatePolicy policy = request == null ? null : request.policy();
    checkPolicy(policy);
    List<Measurement> measurements = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    if (policy.coverage() != null) {
      coverage(policy.coverage(), measurements, problems);
    }
    SecurityRule security = policy.security();
    if (security != null && security.scoreReport() != null) {
      score(security, measurements, problems);
    }
    if (security != null && security.sarifReport() != null) {
      sarif(security, measurements, problems);
    }
    return new QualityGateResult(problems.isEmpty(), List.copyOf(measurements), List.copyOf(problems));
  }

  private static void coverage(CoverageRule rule, List<Measurement> measurements, List<String> problems) {
    Path report = Path.of(rule.report());
    String format = rule.format().trim().toLowerCase(Locale.ROOT);
    try {
      double pct = format.equals(CoverageRule.JACOCO)
          ? CoverageReports.jacocoLinesPct(report)
          : CoverageReports.istanbulLinesPct(report);
      Measurement m = Measurement.atLeast(Measurement.COVERAGE_LINES, pct, rule.minLinesPct(),
          report + " (" + format + ")");
      measurements.add(m);
      if (!m.passed()) {
        problems.add("line coverage " + Reports.format(pct) + "% is below the minimum "
            + Reports.format(rule.minLinesPct()) + "% (" + report + "): add tests, or lower"
            + " quality.coverage.minLinesPct with the environment owner's agreement");
      }
    } catch (ReportProblem e) {
      problems.add(e.getMessage());
    }
  }

  private static void score(SecurityRule rule, List<Measurement> measurements, List<String> problems) {
    Path report = Path.of(rule.scoreReport());
    try {
      JsonNode root = Reports.readJsonObject(report, "security score report", SCORE_PRODUCED_BY);
      JsonNode score = root.path("score");
      if (!score.isNumber()) {
        throw new ReportProblem("security score report " + report + " has no numeric \"score\" at the top"
            + " level (found " + kindOf(score) + "): it must look"
            + " like {\"score\": 8.7}");
      }
      Measurement m = Measurement.atLeast(Measurement.SECURITY_SCORE, score.asDouble(), rule.minScore(),
          report + " (score.json)");
      measurements.add(m);
      if (!m.passed()) {
        problems.add("security score " + Reports.format(score.asDouble()) + " is below the minimum "
            + Reports.format(rule.minScore()) + " (" + report + "): address the weakest checks, or lower"
            + " quality.security.minScore with the environment owner's agreement");
      }
    } catch (ReportProblem e) {
      problems.add(e.getMessage());
    }
  }

  private static void sarif(SecurityRule rule, List<Measurement> measurements, List<String> problems) {
    Path report = Path.of(rule.sarifReport());
    SarifSeverities.Counts counts;
    try {
      counts = SarifSeverities.count(report);
    } catch (ReportProblem e) {
      problems.add(e.getMessage());
      return;
    }
    String source = report + " (sarif)";
    if (rule.maxCritical() != null) {
      Measurement m = Measurement.atMost(Measurement.CRITICAL_FINDINGS, counts.critical(),
          rule.maxCritical(), source);
      measurements.add(m);
      if (!m.passed()) {
        problems.add(findings(counts.critical(), "critical", rule.maxCritical(), counts.criticalRules(),
            report, "maxCritical"));
      }
    }
    if (rule.maxHigh() != null) {
      Measurement m = Measurement.atMost(Measurement.HIGH_FINDINGS, counts.high(), rule.maxHigh(), source);
      measurements.add(m);
      if (!m.passed()) {
        problems.add(findings(counts.high(), "high", rule.maxHigh(), counts.highRules(), report, "maxHigh"));
      }
    }
  }

  private static String findings(int count, String severity, int max, List<String> rules, Path report,
      String field) {
    return count + " " + severity + " security finding" + (count == 1 ? "" : "s") + " exceed"
        + (count == 1 ? "s" : "") + " the maximum of " + max + " (" + report + "; rules: "
        + String.join(", ", rules) + "): fix or triage them in the scanner, or raise quality.security."
        + field + " with the environment owner's agreement";
  }

  /** What a JSON value is, for messages that must not quote it. */
  private static String kindOf(JsonNode node) {
    if (node.isMissingNode()) {
      return "nothing";
    }
    return node.isTextual() ? "a text" : node.isObject() ? "an object" : node.isArray() ? "a list"
        : node.isBoolean() ? "true or false" : "null";
  }

  /** Refuses, non-retryably and all at once, a policy that cannot be evaluated. */
  static void checkPolicy(QualityGatePolicy policy) {
    List<String> errors = new ArrayList<>();
    if (policy == null || (policy.coverage() == null && policy.security() == null)) {
      errors.add("quality: needs a 'coverage' or a 'security' rule (or leave the quality section out)");
    }
    CoverageRule coverage = policy == null ? null : policy.coverage();
    if (coverage != null) {
      absolute("quality.coverage.report", coverage.report(), errors);
      String format =
          coverage.format() == null ? null : coverage.format().trim().toLowerCase(Locale.ROOT);
      if (!CoverageRule.ISTANBUL.equals(format) && !CoverageRule.JACOCO.equals(format)) {
        errors.add("quality.coverage.format is '" + coverage.format() + "': set it to 'istanbul'"
            + " (coverage-summary.json) or 'jacoco' (jacoco.xml)");
      }
      Double min = coverage.minLinesPct();
      if (min == null || min.isNaN() || min < 0 || min > 100) {
        errors.add("quality.coverage.minLinesPct is " + min + ": set a percentage from 0 to 100");
      }
    }
    SecurityRule security = policy == null ? null : policy.security();
    if (security != null) {
      boolean score = security.scoreReport() != null || security.minScore() != null;
      boolean sarif = security.sarifReport() != null || security.maxCritical() != null
          || security.maxHigh() != null;
      if (!score && !sarif) {
        errors.add("quality.security: needs scoreReport + minScore, or sarifReport + maxCritical and/or"
            + " maxHigh");
      }
      if (score) {
        absolute("quality.security.scoreReport", security.scoreReport(), errors);
        if (security.minScore() == null || security.minScore().isNaN()) {
          errors.add("quality.security.minScore is missing: set the lowest acceptable score for "
              + "scoreReport");
        }
      }
      if (sarif) {
        absolute("quality.security.sarifReport", security.sarifReport(), errors);
        if (security.maxCritical() == null && security.maxHigh() == null) {
          errors.add("quality.security.sarifReport needs maxCritical and/or maxHigh: set the most findings"
              + " allowed (0 for none)");
        }
        if ((security.maxCritical() != null && security.maxCritical() < 0)
            || (security.maxHigh() != null && security.maxHigh() < 0)) {
          errors.add("quality.security.maxCritical/maxHigh must be 0 or more");
        }
      }
    }
    if (!errors.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "the quality gate policy cannot be evaluated: " + String.join("; ", errors), INVALID_POLICY);
    }
  }

  private static void absolute(String field, String value, List<String> errors) {
    if (value == null || value.isBlank()) {
      errors.add(field + " is missing: set the report's path (relative to release.yaml)");
      return;
    }
    try {
      if (!Path.of(value).isAbsolute()) {
        errors.add(field + " is '" + value + "', a relative path: the spec loader must resolve it against"
            + " release.yaml's folder before the release starts");
      }
    } catch (InvalidPathException e) {
      errors.add(field + " is '" + value + "', not a valid path: " + e.getReason());
    }
  }

  static final String SCORE_PRODUCED_BY =
      "write the security score (e.g. scorecard --format json) to this file";
}
