package dev.gantry.starter.spec;

import dev.gantry.starter.spec.EnvironmentConfigFile.CabSpec;
import dev.gantry.starter.spec.EnvironmentConfigFile.FreezeSpec;
import dev.gantry.starter.spec.EnvironmentConfigFile.NotifySpec;
import dev.gantry.starter.spec.EnvironmentConfigFile.QualitySpec;
import dev.gantry.starter.spec.EnvironmentConfigFile.WeeklySpec;
import dev.gantry.starter.spec.EnvironmentConfigFile.WindowSpec;
import dev.gantry.workflows.api.cab.CabPolicy;
import dev.gantry.workflows.api.notify.NotifyPolicy;
import dev.gantry.workflows.api.quality.CoverageRule;
import dev.gantry.workflows.api.quality.QualityGatePolicy;
import dev.gantry.workflows.api.quality.SecurityRule;
import dev.gantry.workflows.api.window.DeploymentWindowPolicies;
import dev.gantry.workflows.api.window.DeploymentWindowPolicy;
import dev.gantry.workflows.api.window.Freeze;
import dev.gantry.workflows.api.window.WeeklyWindow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The gate sections of {@code environments/<env>/config.yaml}: quality, cab, notify, window. Paths are
 * made absolute against the release spec's folder and must exist, so a missing report or calendar is
 * found when the release starts, not hours later at the gate.
 */
final class GateSections {
  private static final Set<String> COVERAGE_FORMATS = Set.of(CoverageRule.ISTANBUL, CoverageRule.JACOCO);
  private static final Set<String> BOARDS = Set.of(CabPolicy.SERVICENOW, CabPolicy.WEBHOOK);

  private GateSections() {}

  static QualityGatePolicy quality(String where, Path base, QualitySpec spec, List<String> problems) {
    if (spec == null) {
      return null;
    }
    if (spec.coverage() == null && spec.security() == null) {
      problems.add(where + ": field 'quality' needs 'coverage' and/or 'security'");
      return null;
    }
    CoverageRule coverage = null;
    if (spec.coverage() != null) {
      var c = spec.coverage();
      if (c.format() == null || !COVERAGE_FORMATS.contains(c.format())) {
        problems.add(where + ": field 'quality.coverage.format' must be istanbul or jacoco");
      }
      if (c.minLinesPct() == null || c.minLinesPct() < 0 || c.minLinesPct() > 100) {
        problems.add(where + ": field 'quality.coverage.minLinesPct' must be a percentage, e.g. 80");
      }
      coverage = new CoverageRule(existing(where, "quality.coverage.report", base, c.report(), problems),
          c.format(), c.minLinesPct());
    }
    SecurityRule security = null;
    if (spec.security() != null) {
      var s = spec.security();
      if (s.scoreReport() == null && s.sarifReport() == null) {
        problems.add(where + ": field 'quality.security' needs 'scoreReport' and/or 'sarifReport'");
      }
      if ((s.scoreReport() == null) != (s.minScore() == null)) {
        problems.add(where + ": fields 'quality.security.scoreReport' and 'minScore' go together");
      }
      if (s.sarifReport() != null && s.maxCritical() == null && s.maxHigh() == null) {
        problems.add(where + ": field 'quality.security.sarifReport' needs 'maxCritical' and/or 'maxHigh'");
      }
      if (s.sarifReport() == null && (s.maxCritical() != null || s.maxHigh() != null)) {
        problems.add(where + ": fields 'quality.security.maxCritical'/'maxHigh' need 'sarifReport'");
      }
      if ((s.maxCritical() != null && s.maxCritical() < 0) || (s.maxHigh() != null && s.maxHigh() < 0)) {
        problems.add(where + ": fields 'quality.security.maxCritical'/'maxHigh' cannot be negative");
      }
      if (s.minScore() != null && (s.minScore() < 0 || s.minScore() > 10)) {
        problems.add(where + ": field 'quality.security.minScore' must be between 0 and 10");
      }
      security = new SecurityRule(
          s.scoreReport() == null ? null : existing(where, "quality.security.scoreReport", base,
              s.scoreReport(), problems),
          s.minScore(),
          s.sarifReport() == null ? null : existing(where, "quality.security.sarifReport", base,
              s.sarifReport(), problems),
          s.maxCritical(), s.maxHigh());
    }
    return new QualityGatePolicy(coverage, security);
  }

  static CabPolicy cab(String where, CabSpec spec, List<String> problems) {
    if (spec == null) {
      return null;
    }
    if (spec.type() == null || !BOARDS.contains(spec.type())) {
      problems.add(where + ": field 'cab.type' must be servicenow or webhook");
    }
    if (spec.url() == null || !spec.url().matches("https?://\\S+")) {
      problems.add(where + ": field 'cab.url' must be the board's http(s) URL");
    }
    if (CabPolicy.SERVICENOW.equals(spec.type()) && (spec.tokenEnv() == null || spec.tokenEnv().isBlank())) {
      problems.add(where + ": field 'cab.tokenEnv' must name the worker's environment variable that holds"
          + " the ServiceNow token (never the token itself)");
    }
    if (spec.pollIntervalSeconds() != null && spec.pollIntervalSeconds() < 10) {
      problems.add(where + ": field 'cab.pollIntervalSeconds' must be at least 10");
    }
    SpecChecks.checkRange(where, "cab.timeoutHours", spec.timeoutHours(), 1, 24 * 90, problems);
    return new CabPolicy(spec.type(), spec.url(), spec.tokenEnv(), spec.assignmentGroup(),
        spec.pollIntervalSeconds(), spec.timeoutHours());
  }

  static NotifyPolicy notifications(String where, NotifySpec spec, List<String> problems) {
    if (spec == null) {
      return null;
    }
    if ((spec.webhookUrlEnv() == null) == (spec.webhookUrl() == null)) {
      problems.add(where + ": field 'notify' needs exactly one of 'webhookUrlEnv' (preferred: the name of"
          + " the worker's variable holding the URL) or 'webhookUrl'");
    }
    return new NotifyPolicy(spec.webhookUrlEnv(), spec.webhookUrl(), spec.mention(), spec.uiUrl());
  }

  static DeploymentWindowPolicy window(String where, Path base, WindowSpec spec, List<String> problems) {
    if (spec == null) {
      return null;
    }
    List<String> calendars = spec.holidayCalendars() == null ? List.of() : spec.holidayCalendars().stream()
        .map(path -> existing(where, "window.holidayCalendars", base, path, problems)).toList();
    DeploymentWindowPolicy policy = new DeploymentWindowPolicy(spec.timeZone(), weekly(spec.allowed()),
        spec.freezes() == null ? List.of() : spec.freezes().stream()
            .map((FreezeSpec f) -> new Freeze(f.from(), f.to(), f.reason())).toList(),
        weekly(spec.recurringFreezes()), calendars);
    for (String problem : DeploymentWindowPolicies.problems(policy)) {
      problems.add(where + ": " + problem);
    }
    return policy;
  }

  private static List<WeeklyWindow> weekly(List<WeeklySpec> specs) {
    return specs == null ? List.of()
        : specs.stream().map(w -> new WeeklyWindow(w.days(), w.from(), w.to())).toList();
  }

  static String existing(String where, String field, Path base, String relative, List<String> problems) {
    if (relative == null || relative.isBlank()) {
      problems.add(where + ": field '" + field + "' is missing");
      return null;
    }
    Path path = base.resolve(relative).normalize();
    if (!Files.isRegularFile(path)) {
      problems.add(where + ": field '" + field + "': " + path + " does not exist");
    }
    return path.toString();
  }
}
