package dev.gantry.workflows.release;

import dev.gantry.workflows.api.quality.QualityGateActivities;
import dev.gantry.workflows.api.quality.QualityGateRequest;
import dev.gantry.workflows.api.quality.QualityGateResult;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.support.ActivityOptionsCatalogue;
import io.temporal.workflow.Workflow;
import java.util.List;
import java.util.stream.Collectors;

/** The quality gate: coverage and security measurements against the environment's thresholds. Overridable. */
final class QualityGate {
  private final QualityGateActivities quality =
      Workflow.newActivityStub(QualityGateActivities.class, ActivityOptionsCatalogue.QUALITY);
  private final GateContext context;

  QualityGate(GateContext context) {
    this.context = context;
  }

  void check(EnvironmentPlan env) {
    if (env.quality() == null) {
      return;
    }
    context.progress().stage(ReleaseState.RUNNING, "quality:" + env.name());
    context.recorder().publish(env.name());
    QualityGateResult result = quality.evaluate(
        new QualityGateRequest(context.request().releaseId(), env.name(), env.quality()));
    String measured = describe(result);
    if (result.passed()) {
      context.outcomes().passed(env, "quality", measured);
      return;
    }
    if (context.book().overridden(env.name(), "quality")) {
      context.outcomes().overridden(env, "quality", "failed but overridden: " + measured);
      return;
    }
    context.outcomes().failed(env, "quality", "quality gate failed: " + measured);
  }

  private static String describe(QualityGateResult result) {
    String measurements = result.measurements() == null ? "" : result.measurements().stream()
        .map(m -> m.name() + " " + number(m.value()) + (m.passed() ? " " + m.comparator() + " "
            : " NOT " + m.comparator() + " ") + number(m.threshold()))
        .collect(Collectors.joining(", "));
    List<String> problems = result.problems() == null ? List.of() : result.problems();
    return measurements + (problems.isEmpty() ? "" : (measurements.isEmpty() ? "" : "; ")
        + String.join("; ", problems));
  }

  private static String number(double value) {
    return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
  }
}
