package dev.gantry.workflows.release;

import dev.gantry.workflows.api.EnvironmentPlan;
import dev.gantry.workflows.api.ReleaseRequest;
import dev.gantry.workflows.api.ReleaseState;
import dev.gantry.workflows.api.quality.QualityGateActivities;
import dev.gantry.workflows.api.quality.QualityGateRequest;
import dev.gantry.workflows.api.quality.QualityGateResult;
import dev.gantry.workflows.support.ActivityOptionsCatalogue;
import io.temporal.workflow.Workflow;
import java.util.List;
import java.util.stream.Collectors;

/** The quality gate: coverage and security measurements against the environment's thresholds. Overridable. */
final class QualityGate {
  private final QualityGateActivities quality =
      Workflow.newActivityStub(QualityGateActivities.class, ActivityOptionsCatalogue.QUALITY);
  private final ReleaseRequest request;
  private final ReleaseProgress progress;
  private final GateBook book;
  private final Recorder recorder;
  private final GateOutcomes outcomes;

  QualityGate(ReleaseRequest request, ReleaseProgress progress, GateBook book, Recorder recorder,
      GateOutcomes outcomes) {
    this.request = request;
    this.progress = progress;
    this.book = book;
    this.recorder = recorder;
    this.outcomes = outcomes;
  }

  void check(EnvironmentPlan env) {
    if (env.quality() == null) {
      return;
    }
    progress.stage(ReleaseState.RUNNING, "quality:" + env.name());
    recorder.publish(env.name());
    QualityGateResult result = quality.evaluate(
        new QualityGateRequest(request.releaseId(), env.name(), env.quality()));
    String measured = describe(result);
    if (result.passed()) {
      outcomes.passed(env, "quality", measured);
      return;
    }
    if (book.overridden(env.name(), "quality")) {
      outcomes.overridden(env, "quality", "failed but overridden: " + measured);
      return;
    }
    outcomes.failed(env, "quality", "quality gate failed: " + measured);
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
