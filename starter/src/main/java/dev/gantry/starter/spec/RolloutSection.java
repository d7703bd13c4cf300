package dev.gantry.starter.spec;

import dev.gantry.starter.spec.EnvironmentConfigFile.AnalysisSpec;
import dev.gantry.starter.spec.EnvironmentConfigFile.CloudWatchSpec;
import dev.gantry.starter.spec.EnvironmentConfigFile.RolloutSpec;
import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.rollout.AnalysisPolicy;
import dev.gantry.workflows.api.rollout.CloudWatchMetrics;
import dev.gantry.workflows.api.rollout.RolloutPolicy;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code rollout:} of an environment's config: strategy, steps, bake, dark launch, analysis. */
final class RolloutSection {
  private RolloutSection() {}

  static final int DEFAULT_BAKE_MINUTES = 10;

  /** Null when the section is absent: all at once, exactly as before rollouts existed. */
  static RolloutPolicy rollout(String where, Path base, RolloutSpec spec, String targetType, List<String> problems) {
    if (spec == null) {
      return null;
    }
    int before = problems.size();
    String strategy = spec.strategy();
    if (strategy == null || !RolloutPolicy.STRATEGIES.contains(strategy)) {
      problems.add(where + ": field 'rollout.strategy' must be one of " + String.join(", ", RolloutPolicy.STRATEGIES)
          + " (got " + (strategy == null ? "nothing" : "'" + strategy + "'") + ")");
      return null;
    }
    if (RolloutPolicy.ALL_AT_ONCE.equals(strategy)) {
      if (spec.steps() != null || spec.stepPercent() != null || spec.analysis() != null || spec.darkLaunch() != null
          || spec.bakeMinutes() != null || spec.bakeSeconds() != null) {
        problems.add(where + ": 'rollout.strategy: all-at-once' takes no steps, bake, dark launch or analysis;"
            + " choose canary, linear or blue-green to use them");
        return null;
      }
      return new RolloutPolicy(strategy, List.of(), 0, null, null);
    }
    if (DeployTarget.ECS.equals(targetType)) {
      problems.add(where + ": field 'rollout': the " + targetType + " target cannot shift traffic in steps yet;"
          + " use `strategy: all-at-once` (or remove the section), or the lambda, local or kubernetes target");
    }
    List<Integer> steps = steps(where, strategy, spec, problems);
    Integer bake = bake(where, strategy, spec, problems);
    String dark = spec.darkLaunch();
    if (dark != null && !RolloutPolicy.HOLD.equals(dark) && !RolloutPolicy.CONTINUE.equals(dark)) {
      problems.add(where + ": field 'rollout.darkLaunch' must be 'continue' (go on to the steps after the 0%"
          + " smoke check) or 'hold' (wait at 0% for a person); got '" + dark + "'");
    }
    AnalysisPolicy analysis = analysis(where, base, spec.analysis(), targetType, problems);
    if (problems.size() > before) {
      return null;
    }
    return new RolloutPolicy(strategy, steps, bake, dark, analysis);
  }

  private static List<Integer> steps(String where, String strategy, RolloutSpec spec, List<String> problems) {
    switch (strategy) {
      case RolloutPolicy.CANARY -> {
        if (spec.stepPercent() != null || spec.everyMinutes() != null || spec.everySeconds() != null) {
          problems.add(where + ": fields 'rollout.stepPercent' and 'rollout.every*' belong to `strategy: linear`;"
              + " a canary lists its steps, e.g. `steps: [5, 25, 50, 100]`");
        }
        List<Integer> steps = spec.steps();
        if (steps == null || steps.isEmpty()) {
          problems.add(where + ": field 'rollout.steps' is missing: a canary lists its traffic weights in percent,"
              + " e.g. `steps: [5, 25, 50, 100]`");
          return List.of();
        }
        int previous = 0;
        for (Integer step : steps) {
          if (step == null || step < 1 || step > 100 || step <= previous) {
            problems.add(where + ": field 'rollout.steps' must be increasing percentages between 1 and 100 (got "
                + steps + ")");
            return List.of();
          }
          previous = step;
        }
        if (previous != 100) {
          problems.add(where + ": field 'rollout.steps' must end with 100 (got " + steps + "): the last step"
              + " gives the new version all the traffic");
        }
        return List.copyOf(steps);
      }
      case RolloutPolicy.LINEAR -> {
        if (spec.steps() != null) {
          problems.add(where + ": field 'rollout.steps' belongs to `strategy: canary`; linear takes"
              + " `stepPercent: 20` and `everyMinutes: 10`");
        }
        Integer percent = spec.stepPercent();
        if (percent == null || percent < 1 || percent > 100) {
          problems.add(where + ": field 'rollout.stepPercent' must be 1..100 for a linear rollout (got "
              + (percent == null ? "nothing" : percent) + "), e.g. `stepPercent: 20`");
          return List.of();
        }
        List<Integer> steps = new ArrayList<>();
        for (int weight = percent; weight < 100; weight += percent) {
          steps.add(weight);
        }
        steps.add(100);
        return List.copyOf(steps);
      }
      default -> { // blue-green: dark at 0%, smoke check, then everything at once
        if (spec.steps() != null || spec.stepPercent() != null) {
          problems.add(where + ": `strategy: blue-green` takes no steps: the new version goes from 0% (smoke"
              + " checked) to 100%; use canary or linear for steps");
        }
        return List.of(100);
      }
    }
  }

  private static Integer bake(String where, String strategy, RolloutSpec spec, List<String> problems) {
    boolean linear = RolloutPolicy.LINEAR.equals(strategy);
    Integer minutes = linear ? spec.everyMinutes() : spec.bakeMinutes();
    Integer seconds = linear ? spec.everySeconds() : spec.bakeSeconds();
    String names = linear ? "'rollout.everyMinutes' or 'rollout.everySeconds'"
        : "'rollout.bakeMinutes' or 'rollout.bakeSeconds'";
    if (linear && (spec.bakeMinutes() != null || spec.bakeSeconds() != null)) {
      problems.add(where + ": a linear rollout times its steps with 'rollout.everyMinutes', not bake*");
    }
    if (!linear && (spec.everyMinutes() != null || spec.everySeconds() != null)) {
      problems.add(where + ": fields 'rollout.every*' belong to `strategy: linear`; use 'rollout.bakeMinutes'");
    }
    if (minutes != null && seconds != null) {
      problems.add(where + ": set one of " + names + ", not both");
      return null;
    }
    if (minutes != null && (minutes < 0 || minutes > 7 * 24 * 60)) {
      problems.add(where + ": " + names.split(" or ")[0] + " is " + minutes + "; allowed 0..10080 (a week)");
    }
    if (seconds != null && (seconds < 0 || seconds > 7 * 24 * 3600)) {
      problems.add(where + ": " + names.split(" or ")[1] + " is " + seconds + "; allowed 0..604800 (a week)");
    }
    return seconds != null ? seconds : (minutes != null ? minutes : DEFAULT_BAKE_MINUTES) * 60;
  }

  private static AnalysisPolicy analysis(String where, Path base, AnalysisSpec spec, String targetType,
      List<String> problems) {
    if (spec == null) {
      return null;
    }
    String url = spec.metricsUrl();
    if (url != null && spec.metricsFile() != null) {
      problems.add(where + ": set one of 'rollout.analysis.metricsUrl' and 'rollout.analysis.metricsFile', not both");
    }
    if (url != null) {
      String scheme = null;
      try {
        scheme = URI.create(url.replaceAll("\\{[a-z]+}", "x")).getScheme();
      } catch (IllegalArgumentException e) {
        // reported below
      }
      if (scheme == null || !List.of("http", "https").contains(scheme)) {
        problems.add(where + ": field 'rollout.analysis.metricsUrl' must be an http(s) URL like"
            + " http://metrics.internal/gantry?region={region} (got '" + url + "'); for a file use metricsFile");
      }
    }
    if (spec.metricsFile() != null) {
      Path file = base.resolve(spec.metricsFile()).normalize();
      if (!Files.isRegularFile(file)) {
        problems.add(where + ": field 'rollout.analysis.metricsFile': " + file + " does not exist");
      }
      url = file.toUri().toString();
    }
    CloudWatchMetrics cloudWatch = cloudWatch(where, spec.cloudWatch(), targetType, problems);
    if (url == null && cloudWatch == null) {
      problems.add(where + ": field 'rollout.analysis' names no metrics: add `metricsUrl:` (the Gantry metrics"
          + " endpoint), `metricsFile:` or `cloudWatch: {namespace: ...}`");
    }
    if (spec.maxErrorRate() == null && spec.maxLatencyP99Ms() == null && spec.maxErrorRateIncrease() == null
        && spec.maxLatencyP99IncreaseMs() == null) {
      problems.add(where + ": field 'rollout.analysis' has no threshold: set at least one of maxErrorRate,"
          + " maxLatencyP99Ms, maxErrorRateIncrease, maxLatencyP99IncreaseMs");
    }
    fraction(where, "maxErrorRate", spec.maxErrorRate(), problems);
    fraction(where, "maxErrorRateIncrease", spec.maxErrorRateIncrease(), problems);
    positive(where, "maxLatencyP99Ms", spec.maxLatencyP99Ms(), problems);
    positive(where, "maxLatencyP99IncreaseMs", spec.maxLatencyP99IncreaseMs(), problems);
    if (spec.minRequests() != null && spec.minRequests() < 0) {
      problems.add(where + ": field 'rollout.analysis.minRequests' is " + spec.minRequests() + "; must be 0 or more");
    }
    String fallback = spec.onInconclusive();
    if (fallback != null && !AnalysisPolicy.ROLLBACK.equals(fallback) && !AnalysisPolicy.PROMOTE.equals(fallback)) {
      problems.add(where + ": field 'rollout.analysis.onInconclusive' must be 'rollback' or 'promote' (what happens"
          + " when nobody decides in time); got '" + fallback + "'");
    }
    String noData = spec.onNoData();
    if (noData != null && !List.of(AnalysisPolicy.NO_DATA_FAIL, AnalysisPolicy.NO_DATA_PASS,
        AnalysisPolicy.NO_DATA_INCONCLUSIVE).contains(noData)) {
      problems.add(where + ": field 'rollout.analysis.onNoData' must be 'fail', 'pass' or 'inconclusive' (the"
          + " verdict when a version reports no data); got '" + noData + "'");
    }
    Integer minutes = spec.inconclusiveTimeoutMinutes();
    Integer seconds = spec.inconclusiveTimeoutSeconds();
    if (minutes != null && seconds != null) {
      problems.add(where + ": set one of 'rollout.analysis.inconclusiveTimeoutMinutes' and"
          + " 'inconclusiveTimeoutSeconds', not both");
    }
    if ((minutes != null && minutes < 1) || (seconds != null && seconds < 1)) {
      problems.add(where + ": the inconclusive timeout must be at least 1 (a person needs time to look)");
    }
    Integer wait = seconds != null ? seconds : minutes == null ? null : minutes * 60;
    return new AnalysisPolicy(url, cloudWatch, spec.maxErrorRate(), spec.maxLatencyP99Ms(),
        spec.maxErrorRateIncrease(), spec.maxLatencyP99IncreaseMs(), spec.minRequests(), wait, fallback, noData);
  }

  private static CloudWatchMetrics cloudWatch(String where, CloudWatchSpec spec, String targetType,
      List<String> problems) {
    if (spec == null) {
      return null;
    }
    if (!AwsSection.isAwsType(targetType)) {
      problems.add(where + ": field 'rollout.analysis.cloudWatch' needs an AWS target (lambda); the "
          + targetType + " target has no AWS region to read from: use metricsUrl");
    }
    if (spec.namespace() == null || spec.namespace().isBlank()) {
      problems.add(where + ": field 'rollout.analysis.cloudWatch.namespace' is missing, e.g. `namespace: HelloService`");
    }
    if (spec.periodSeconds() != null && (spec.periodSeconds() < 1 || spec.periodSeconds() % 60 != 0
        && spec.periodSeconds() > 60)) {
      problems.add(where + ": field 'rollout.analysis.cloudWatch.periodSeconds' must be 1, 5, 10, 30 or a multiple"
          + " of 60 (got " + spec.periodSeconds() + ")");
    }
    return new CloudWatchMetrics(spec.namespace(), spec.requestsMetric(), spec.errorsMetric(), spec.latencyMetric(),
        spec.latencyStat(), spec.versionDimension(), spec.dimensions() == null ? null : Map.copyOf(spec.dimensions()),
        spec.periodSeconds());
  }

  private static void fraction(String where, String field, Double value, List<String> problems) {
    if (value != null && (value < 0 || value > 1)) {
      problems.add(where + ": field 'rollout.analysis." + field + "' is " + value + "; it is a fraction 0..1"
          + " (0.01 = 1%)");
    }
  }

  private static void positive(String where, String field, Double value, List<String> problems) {
    if (value != null && value <= 0) {
      problems.add(where + ": field 'rollout.analysis." + field + "' is " + value + "; must be more than 0");
    }
  }
}
