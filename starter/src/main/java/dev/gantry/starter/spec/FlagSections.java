package dev.gantry.starter.spec;

import static dev.gantry.starter.spec.SpecChecks.blank;
import static dev.gantry.starter.spec.SpecChecks.quoted;

import dev.gantry.starter.spec.EnvironmentConfigFile.ExperimentSpec;
import dev.gantry.starter.spec.EnvironmentConfigFile.FlagsSpec;
import dev.gantry.starter.spec.EnvironmentConfigFile.RampSpec;
import dev.gantry.starter.spec.EnvironmentConfigFile.SplitSpec;
import dev.gantry.workflows.api.flags.Allocation;
import dev.gantry.workflows.api.flags.ExperimentDefinition;
import dev.gantry.workflows.api.flags.FlagPolicy;
import dev.gantry.workflows.api.flags.FlagRampPlan;
import dev.gantry.workflows.api.flags.SplitSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code flags:} section of {@code environments/<env>/config.yaml}: Split settings, required flags,
 * ramps and experiments. Keys are named by the worker's environment variables, never written here.
 */
final class FlagSections {
  /** Split flag names: letters, digits, '-' and '_', starting with a letter or digit. */
  private static final Pattern FLAG = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,99}");
  private static final Pattern VARIABLE = Pattern.compile("[A-Z_][A-Z0-9_]*");
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  private FlagSections() {}

  static FlagPolicy flags(String where, Path base, FlagsSpec spec, List<String> problems) {
    if (spec == null) {
      return null;
    }
    List<String> required = spec.required() == null ? List.of() : spec.required();
    List<RampSpec> ramps = spec.ramps() == null ? List.of() : spec.ramps();
    List<ExperimentSpec> experiments = spec.experiments() == null ? List.of() : spec.experiments();
    if (required.isEmpty() && ramps.isEmpty() && experiments.isEmpty()) {
      problems.add(where + ": field 'flags' needs at least one of 'required', 'ramps' or 'experiments'"
          + " (remove the section if the environment uses no flags)");
    }
    SplitSettings split = split(where, base, spec.split(), !ramps.isEmpty() || !experiments.isEmpty(),
        !required.isEmpty(), problems);

    Set<String> seen = new HashSet<>();
    for (String flag : required) {
      if (flag == null || !FLAG.matcher(flag).matches()) {
        problems.add(where + ": field 'flags.required' has " + quoted(flag) + ": Split flag names are letters,"
            + " digits, '-' and '_'");
      } else if (!seen.add(flag)) {
        problems.add(where + ": field 'flags.required' lists " + flag + " twice");
      }
    }
    if ((!ramps.isEmpty() || !experiments.isEmpty())
        && (spec.metricsUrl() == null || !spec.metricsUrl().matches("https?://\\S+"))) {
      problems.add(where + ": field 'flags.metricsUrl' must be the http(s) metrics endpoint that ramps and"
          + " experiments read (e.g. http://metrics.internal/flags)");
    }
    List<FlagRampPlan> plans = new ArrayList<>();
    Set<String> ramped = new HashSet<>();
    for (int i = 0; i < ramps.size(); i++) {
      FlagRampPlan plan = ramp(where, "flags.ramps[" + i + "]", ramps.get(i), problems);
      if (plan != null && !ramped.add(plan.flag())) {
        problems.add(where + ": field 'flags.ramps' ramps " + plan.flag() + " twice");
      }
      plans.add(plan);
    }
    List<ExperimentDefinition> definitions = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < experiments.size(); i++) {
      ExperimentDefinition definition = experiment(where, "flags.experiments[" + i + "]", experiments.get(i),
          problems);
      if (definition != null && !names.add(definition.name())) {
        problems.add(where + ": field 'flags.experiments' names " + definition.name() + " twice");
      }
      definitions.add(definition);
    }
    return new FlagPolicy(split, List.copyOf(required.stream().filter(java.util.Objects::nonNull).toList()),
        spec.metricsUrl(), plans, definitions);
  }

  private static SplitSettings split(String where, Path base, SplitSpec spec, boolean changes, boolean required,
      List<String> problems) {
    if (spec == null) {
      problems.add(where + ": field 'flags.split' is missing: add `split: {workspaceId: <id>, environment:"
          + " <Split environment>, adminApiKeyEnv: SPLIT_ADMIN_API_KEY}`");
      return null;
    }
    if (blank(spec.environment())) {
      problems.add(where + ": field 'flags.split.environment' is missing: the Split environment's id or name,"
          + " e.g. Production");
    }
    boolean sdk = !blank(spec.localhostFile()) || !blank(spec.sdkKeyEnv());
    if (!blank(spec.localhostFile()) && !blank(spec.sdkKeyEnv())) {
      problems.add(where + ": fields 'flags.split.localhostFile' and 'sdkKeyEnv' exclude each other: localhost"
          + " mode reads a file offline, SDK-key mode asks Split");
    }
    boolean admin = changes || (required && !sdk);
    if (admin && blank(spec.workspaceId())) {
      problems.add(where + ": field 'flags.split.workspaceId' is missing: the Split workspace id (Admin API"
          + " path /splits/ws/{workspaceId}); ramps, experiments and required flags without an SDK need it");
    }
    if (admin && blank(spec.adminApiKeyEnv())) {
      problems.add(where + ": field 'flags.split.adminApiKeyEnv' is missing: name the worker's environment"
          + " variable that holds a Split Admin API key, e.g. SPLIT_ADMIN_API_KEY (never the key itself)");
    }
    variable(where, "flags.split.adminApiKeyEnv", spec.adminApiKeyEnv(), problems);
    variable(where, "flags.split.sdkKeyEnv", spec.sdkKeyEnv(), problems);
    if (!blank(spec.adminUrl()) && !spec.adminUrl().matches("https://\\S+")
        && !spec.adminUrl().matches("http://(localhost|127\\.0\\.0\\.1)(:\\d+)?(/\\S*)?")) {
      problems.add(where + ": field 'flags.split.adminUrl' must be an https URL (default "
          + SplitSettings.DEFAULT_ADMIN_URL + "; leave it out)");
    }
    String localhost = null;
    if (!blank(spec.localhostFile())) {
      if (!spec.localhostFile().matches(".*\\.(json|ya?ml)")) {
        problems.add(where + ": field 'flags.split.localhostFile' must be a .json (percentages) or .yaml/.yml"
            + " Split localhost file");
      }
      localhost = GateSections.existing(where, "flags.split.localhostFile", base, spec.localhostFile(), problems);
    }
    return new SplitSettings(spec.workspaceId(), spec.environment(), spec.adminApiKeyEnv(), spec.adminUrl(),
        spec.sdkKeyEnv(), localhost);
  }

  private static void variable(String where, String field, String value, List<String> problems) {
    if (!blank(value) && !VARIABLE.matcher(value).matches()) {
      problems.add(where + ": field '" + field + "' must be the NAME of an environment variable (like"
          + " SPLIT_ADMIN_API_KEY), not a key: keys never go in config.yaml");
    }
  }

  private static FlagRampPlan ramp(String where, String at, RampSpec spec, List<String> problems) {
    String field = where + ": field '" + at;
    if (spec == null) {
      problems.add(field + "' is empty");
      return null;
    }
    if (spec.flag() == null || !FLAG.matcher(spec.flag()).matches()) {
      problems.add(field + ".flag' must be a Split flag name (got " + quoted(spec.flag()) + ")");
    }
    List<Integer> steps = spec.steps() == null ? List.of(10, 50, 100) : spec.steps();
    boolean increasing = !steps.isEmpty();
    for (int i = 0; i < steps.size(); i++) {
      Integer step = steps.get(i);
      if (step == null || step < 1 || step > 100 || (i > 0 && steps.get(i - 1) != null && step <= steps.get(i - 1))) {
        increasing = false;
      }
    }
    if (!increasing || steps.get(steps.size() - 1) == null || steps.get(steps.size() - 1) != 100) {
      problems.add(field + ".steps' must be increasing percentages from 1 to 100 ending at 100, e.g. [10, 50, 100]"
          + " (got " + steps + ")");
    }
    SpecChecks.checkRange(where, at + ".bakeMinutes", spec.bakeMinutes(), 1, 1440, problems);
    if (blank(spec.metric())) {
      problems.add(field + ".metric' is missing: the error-like metric the endpoint counts per treatment,"
          + " e.g. checkout_errors");
    }
    if (spec.maxRate() == null || spec.maxRate() < 0 || spec.maxRate() > 1) {
      problems.add(field + ".maxRate' must be a rate between 0 and 1, e.g. 0.02 (2% of exposures)");
    }
    if (spec.minExposures() != null && spec.minExposures() < 1) {
      problems.add(field + ".minExposures' must be at least 1");
    }
    if (spec.treatment() != null && spec.treatment().equals(spec.offTreatment())) {
      problems.add(field + ".treatment' and 'offTreatment' must differ");
    }
    return new FlagRampPlan(spec.flag(), spec.treatment(), spec.offTreatment(), List.copyOf(steps.stream()
        .filter(java.util.Objects::nonNull).toList()), spec.bakeMinutes(), spec.metric(), spec.maxRate(),
        spec.minExposures());
  }

  private static ExperimentDefinition experiment(String where, String at, ExperimentSpec spec,
      List<String> problems) {
    String field = where + ": field '" + at;
    if (spec == null) {
      problems.add(field + "' is empty");
      return null;
    }
    if (spec.name() == null || !NAME.matcher(spec.name()).matches()) {
      problems.add(field + ".name' must be a lowercase name like checkout-button (got " + quoted(spec.name()) + ")");
    }
    if (spec.flag() == null || !FLAG.matcher(spec.flag()).matches()) {
      problems.add(field + ".flag' must be a Split flag name (got " + quoted(spec.flag()) + ")");
    }
    Map<String, Integer> split = spec.split() == null ? Map.of() : spec.split();
    List<Allocation> allocations = new ArrayList<>();
    split.forEach((treatment, size) -> allocations.add(new Allocation(treatment, size == null ? -1 : size)));
    int sum = allocations.stream().mapToInt(Allocation::size).sum();
    if (allocations.size() < 2 || sum != 100 || allocations.stream().anyMatch(a -> a.size() < 1)) {
      problems.add(field + ".split' must give two or more treatments a share each, adding up to 100, e.g."
          + " `split: {on: 50, off: 50}`");
    }
    String control = spec.control() == null ? "off" : spec.control();
    if (!split.isEmpty() && !split.containsKey(control)) {
      problems.add(field + ".control' is " + control + ", which is not in 'split' (" + String.join(", ", split.keySet())
          + ")");
    }
    if (blank(spec.metric())) {
      problems.add(field + ".metric' is missing: the conversion metric the endpoint counts per treatment");
    }
    if (spec.minSamplePerTreatment() == null || spec.minSamplePerTreatment() < 1) {
      problems.add(field + ".minSamplePerTreatment' is missing: the exposures each treatment needs before the"
          + " analysis, e.g. 5000 (work it out with a sample-size calculator for the lift you care about)");
    }
    SpecChecks.checkRange(where, at + ".maxDurationHours", spec.maxDurationHours(), 1, 2160, problems);
    SpecChecks.checkRange(where, at + ".checkIntervalMinutes", spec.checkIntervalMinutes(), 1, 1440, problems);
    SpecChecks.checkRange(where, at + ".decisionTimeoutHours", spec.decisionTimeoutHours(), 1, 2160, problems);
    if (spec.alpha() != null && (spec.alpha() <= 0 || spec.alpha() > 0.2)) {
      problems.add(field + ".alpha' must be above 0 and at most 0.2 (usually 0.05)");
    }
    if (spec.decision() != null && !ExperimentDefinition.AUTOMATIC.equals(spec.decision())
        && !ExperimentDefinition.MANUAL.equals(spec.decision())) {
      problems.add(field + ".decision' must be automatic or manual");
    }
    return new ExperimentDefinition(spec.name(), spec.flag(), spec.control(), allocations, spec.metric(),
        spec.minSamplePerTreatment(), spec.maxDurationHours(), spec.checkIntervalMinutes(), spec.alpha(),
        spec.decision(), spec.decisionTimeoutHours());
  }
}
