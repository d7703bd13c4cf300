package dev.gantry.activities.quality;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Counts the critical and high findings of a SARIF 2.1.0 report, the way GitHub code scanning ranks them.
 *
 * <p>Severity of one result, first match wins:
 * <ol>
 *   <li>{@code result.properties["security-severity"]}, if the tool put one on the result itself;</li>
 *   <li>{@code properties["security-severity"]} of the result's rule, found in
 *       {@code runs[].tool.driver.rules[]} (or {@code runs[].tool.extensions[].rules[]}) by
 *       {@code result.ruleIndex} / {@code result.rule.index}, else by {@code result.ruleId} /
 *       {@code result.rule.id} (a hierarchical id {@code "A/B"} also matches rule {@code "A"});</li>
 *   <li>the result's {@code level}, else the rule's {@code defaultConfiguration.level}, else SARIF's
 *       default {@code warning}.</li>
 * </ol>
 * A security-severity is a CVSS score (a JSON string such as {@code "9.8"}, or a number): 9.0 and above
 * is <b>critical</b>, 7.0 to 8.9 is <b>high</b>, lower is not counted. Without one, level {@code error} is
 * <b>high</b>; {@code warning}, {@code note} and {@code none} are not counted.
 *
 * <p>Not counted at all: results whose {@code kind} is {@code pass}, {@code notApplicable} or
 * {@code informational}; results with an accepted suppression (a {@code suppressions} entry whose
 * {@code status} is absent or {@code accepted}); results whose {@code baselineState} is {@code absent}
 * (fixed since the baseline).
 *
 * <p>Fail closed: a report that is not SARIF 2.1.0, a run without a {@code results} array (the scan did
 * not complete, per the SARIF specification), or a security-severity that is not a number is a problem,
 * never zero findings.
 */
final class SarifSeverities {
  static final double CRITICAL_FROM = 9.0;
  static final double HIGH_FROM = 7.0;
  private static final int MAX_RULES_NAMED = 5;
  /** A version is shown only when it is a version number: any other text could be anything. */
  private static final Pattern VERSION_NUMBER = Pattern.compile("\\d{1,4}(\\.\\d{1,4}){0,3}");

  /** Findings by severity, with the rule ids behind them for messages. */
  record Counts(int critical, int high, List<String> criticalRules, List<String> highRules) {}

  private SarifSeverities() {}

  static Counts count(Path file) throws ReportProblem {
    JsonNode root = Reports.readJsonObject(file, "SARIF report", PRODUCED_BY);
    String version = root.path("version").asText("");
    if (!"2.1.0".equals(version)) {
      String has = VERSION_NUMBER.matcher(version).matches() ? "has version \"" + version + "\", not"
          : "has a version other than";
      throw new ReportProblem("SARIF report " + file + " " + has + " \"2.1.0\":"
          + " configure the scanner to write SARIF 2.1.0");
    }
    JsonNode runs = root.path("runs");
    if (!runs.isArray()) {
      throw new ReportProblem("SARIF report " + file + " has no \"runs\" array: regenerate it");
    }
    int critical = 0;
    int high = 0;
    Set<String> criticalRules = new LinkedHashSet<>();
    Set<String> highRules = new LinkedHashSet<>();
    for (int r = 0; r < runs.size(); r++) {
      JsonNode run = runs.get(r);
      String tool = Reports.token(run.path("tool").path("driver").path("name").asText("unnamed tool"));
      JsonNode results = run.path("results");
      if (!results.isArray()) {
        throw new ReportProblem("SARIF report " + file + ": run " + r + " (" + tool + ") has no \"results\""
            + " array, which in SARIF means the scan did not complete: rerun the scan");
      }
      Rules rules = Rules.of(run);
      for (int i = 0; i < results.size(); i++) {
        JsonNode result = results.get(i);
        if (!counts(result)) {
          continue;
        }
        JsonNode rule = rules.find(result);
        String ruleId = ruleId(result, rule);
        String where = "run " + r + " result " + i + " (rule " + ruleId + ")";
        switch (severity(file, where, result, rule)) {
          case CRITICAL -> {
            critical++;
            criticalRules.add(ruleId);
          }
          case HIGH -> {
            high++;
            highRules.add(ruleId);
          }
          case OTHER -> { }
        }
      }
    }
    return new Counts(critical, high, head(criticalRules), head(highRules));
  }

  enum Severity { CRITICAL, HIGH, OTHER }

  static Severity severity(Path file, String where, JsonNode result, JsonNode rule) throws ReportProblem {
    JsonNode score = result.path("properties").path("security-severity");
    if (score.isMissingNode() || score.isNull()) {
      score = rule == null ? null : rule.path("properties").path("security-severity");
    }
    if (score != null && !score.isMissingNode() && !score.isNull()) {
      double cvss = cvss(file, where, score);
      return cvss >= CRITICAL_FROM ? Severity.CRITICAL : cvss >= HIGH_FROM ? Severity.HIGH : Severity.OTHER;
    }
    String level = result.path("level").asText(null);
    if (level == null && rule != null) {
      level = rule.path("defaultConfiguration").path("level").asText(null);
    }
    return "error".equals(level) ? Severity.HIGH : Severity.OTHER;
  }

  private static double cvss(Path file, String where, JsonNode score) throws ReportProblem {
    if (score.isNumber()) {
      return score.asDouble();
    }
    if (score.isTextual()) {
      try {
        double value = Double.parseDouble(score.asText().trim());
        if (!Double.isNaN(value)) {
          return value;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    throw new ReportProblem("SARIF report " + file + ": " + where + " has a security-severity that is not a"
        + " CVSS score: fix the scanner's rule metadata or its SARIF output");
  }

  /** Whether a result is a finding that counts: failing, not suppressed, not already fixed. */
  private static boolean counts(JsonNode result) {
    String kind = result.path("kind").asText("fail");
    if (kind.equals("pass") || kind.equals("notApplicable") || kind.equals("informational")) {
      return false;
    }
    if ("absent".equals(result.path("baselineState").asText(null))) {
      return false;
    }
    for (JsonNode suppression : result.path("suppressions")) {
      String status = suppression.path("status").asText("accepted");
      if (status.equals("accepted")) {
        return false;
      }
    }
    return true;
  }

  private static String ruleId(JsonNode result, JsonNode rule) {
    String id = result.path("ruleId").asText(null);
    if (id == null) {
      id = result.path("rule").path("id").asText(null);
    }
    if (id == null && rule != null) {
      id = rule.path("id").asText(null);
    }
    return id == null ? "?" : Reports.token(id);
  }

  private static List<String> head(Set<String> ids) {
    return List.copyOf(new ArrayList<>(ids).subList(0, Math.min(MAX_RULES_NAMED, ids.size())));
  }

  /** The rules of one run: the driver's by index and by id, and the extensions' by id. */
  private record Rules(JsonNode driverRules, List<JsonNode> extensionRules, Map<String, JsonNode> byId) {

    static Rules of(JsonNode run) {
      JsonNode tool = run.path("tool");
      JsonNode driverRules = tool.path("driver").path("rules");
      Map<String, JsonNode> byId = new HashMap<>();
      List<JsonNode> extensions = new ArrayList<>();
      for (JsonNode extension : tool.path("extensions")) {
        extensions.add(extension.path("rules"));
        for (JsonNode rule : extension.path("rules")) {
          byId.putIfAbsent(rule.path("id").asText(""), rule);
        }
      }
      // The driver's rules win over an extension's of the same id.
      for (JsonNode rule : driverRules) {
        byId.put(rule.path("id").asText(""), rule);
      }
      return new Rules(driverRules, extensions, byId);
    }

    JsonNode find(JsonNode result) {
      JsonNode reference = result.path("rule");
      int index = result.path("ruleIndex").asInt(reference.path("index").asInt(-1));
      if (index >= 0) {
        JsonNode component = reference.path("toolComponent");
        JsonNode rules = driverRules;
        if (component.has("index")) {
          int extension = component.path("index").asInt(-1);
          rules = extension >= 0 && extension < extensionRules.size() ? extensionRules.get(extension) : null;
        }
        if (rules != null && rules.isArray() && index < rules.size()) {
          return rules.get(index);
        }
      }
      String id = result.path("ruleId").asText(reference.path("id").asText(null));
      if (id == null) {
        return null;
      }
      JsonNode rule = byId.get(id);
      int slash = id.indexOf('/');
      if (rule == null && slash > 0) {
        rule = byId.get(id.substring(0, slash));
      }
      return rule;
    }
  }

  static final String PRODUCED_BY = "run the security scanner with SARIF output";
}
