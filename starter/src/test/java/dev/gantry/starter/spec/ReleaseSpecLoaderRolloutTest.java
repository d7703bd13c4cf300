package dev.gantry.starter.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.rollout.RolloutPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code rollout:} in an environment's config: what loads, and every mistake named with its fix. */
class ReleaseSpecLoaderRolloutTest {
  private final PlanningLoader loader = new PlanningLoader();
  @TempDir Path dir;

  @BeforeEach
  void writeSpec() throws IOException {
    Files.writeString(dir.resolve("app.bin"), "payload");
    Files.writeString(dir.resolve("metrics.json"), "{\"versions\": {}}");
    write("release.yaml", """
        application: hello-service
        version: 1.4.0
        requestedBy: dana
        artifact: {file: app.bin}
        promotion: [production]
        """);
  }

  void write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  RolloutPolicy load(String rollout) throws IOException {
    write("environments/production/config.yaml", """
        regions: [{name: us-east-1}]
        target: {type: local, root: targets}
        healthCheck: {command: "true"}
        verification: {required: false}
        """ + rollout);
    ReleaseRequest request = loader.load(dir.resolve("release.yaml"));
    return request.environments().get(0).rollout();
  }

  @Test
  void noRolloutSectionMeansAllAtOnceAsBefore() throws IOException {
    assertThat(load("")).isNull();
  }

  @Test
  void aCanaryWithAnalysisLoads() throws IOException {
    RolloutPolicy policy = load("""
        rollout:
          strategy: canary
          steps: [5, 25, 50, 100]
          bakeMinutes: 15
          darkLaunch: hold
          analysis:
            metricsFile: metrics.json
            maxErrorRate: 0.01
            maxLatencyP99Ms: 500
            maxErrorRateIncrease: 0.005
            minRequests: 200
            inconclusiveTimeoutMinutes: 30
            onInconclusive: promote
        """);
    assertThat(policy.strategy()).isEqualTo("canary");
    assertThat(policy.steps()).containsExactly(5, 25, 50, 100);
    assertThat(policy.bakeSeconds()).isEqualTo(900);
    assertThat(policy.holdsDark()).isTrue();
    assertThat(policy.analysis().metricsUrl()).isEqualTo(dir.resolve("metrics.json").toUri().toString());
    assertThat(policy.analysis().inconclusiveWaitSeconds()).isEqualTo(1800);
    assertThat(policy.analysis().onInconclusiveOrDefault()).isEqualTo("promote");
  }

  @Test
  void linearAndBlueGreenBecomeSteps() throws IOException {
    RolloutPolicy linear = load("rollout: {strategy: linear, stepPercent: 30, everyMinutes: 5}\n");
    assertThat(linear.steps()).containsExactly(30, 60, 90, 100);
    assertThat(linear.bakeSeconds()).isEqualTo(300);
    RolloutPolicy blueGreen = load("rollout: {strategy: blue-green, bakeSeconds: 20}\n");
    assertThat(blueGreen.steps()).containsExactly(100);
    assertThat(blueGreen.bakeSeconds()).isEqualTo(20);
    RolloutPolicy once = load("rollout: {strategy: all-at-once}\n");
    assertThat(once.progressive()).isFalse();
    assertThat(load("rollout: {strategy: canary, steps: [50, 100]}\n").bakeSeconds())
        .as("default bake: 10 minutes").isEqualTo(600);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{strategy: big-bang}|field 'rollout.strategy' must be one of canary, linear, blue-green, all-at-once",
      "{strategy: canary}|field 'rollout.steps' is missing",
      "{strategy: canary, steps: [5, 25, 50]}|field 'rollout.steps' must end with 100",
      "{strategy: canary, steps: [25, 5, 100]}|must be increasing percentages between 1 and 100",
      "{strategy: canary, steps: [0, 100]}|must be increasing percentages between 1 and 100",
      "{strategy: canary, steps: [50, 100], stepPercent: 10}|belong to `strategy: linear`",
      "{strategy: linear, everyMinutes: 5}|field 'rollout.stepPercent' must be 1..100",
      "{strategy: linear, stepPercent: 20, bakeMinutes: 5}|times its steps with 'rollout.everyMinutes'",
      "{strategy: blue-green, steps: [100]}|`strategy: blue-green` takes no steps",
      "{strategy: all-at-once, steps: [100]}|takes no steps, bake, dark launch or analysis",
      "{strategy: canary, steps: [100], bakeMinutes: 1, bakeSeconds: 5}|set one of 'rollout.bakeMinutes' or",
      "{strategy: canary, steps: [100], darkLaunch: wait}|field 'rollout.darkLaunch' must be 'continue'",
      "{strategy: canary, steps: [100], analysis: {maxErrorRate: 0.01}}|names no metrics",
      "{strategy: canary, steps: [100], analysis: {metricsFile: metrics.json}}|has no threshold",
      "{strategy: canary, steps: [100], analysis: {metricsFile: nope.json, maxErrorRate: 0.01}}|nope.json does not exist",
      "{strategy: canary, steps: [100], analysis: {metricsUrl: 'ftp://x/m', maxErrorRate: 0.01}}|must be an http(s) URL",
      "{strategy: canary, steps: [100], analysis: {metricsFile: metrics.json, maxErrorRate: 5}}|it is a fraction 0..1",
      "{strategy: canary, steps: [100], analysis: {metricsFile: metrics.json, maxErrorRate: 0.1, onInconclusive: wait}}|must be 'rollback' or 'promote'",
      "{strategy: canary, steps: [100], analysis: {cloudWatch: {namespace: X}, maxErrorRate: 0.1}}|needs an AWS target",
      "{strategy: canary, steps: [100], bake: 5}|unknown field 'bake'",
  })
  void everyMistakeIsNamedWithItsFix(String rollout, String message) {
    assertThatThrownBy(() -> load("rollout: " + rollout + "\n"))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(e.getMessage()).containsAnyOf("config.yaml", "environments/production"));
  }

  @Test
  void theExampleProductionCanaryLoads() throws Exception {
    ReleaseRequest request = loader.load(ExampleKeys.copyWithKeys(Path.of("..", "examples"), dir.resolve("example")));
    RolloutPolicy production = request.environments().get(2).rollout();
    assertThat(production.strategy()).isEqualTo("canary");
    assertThat(production.steps()).hasSizeGreaterThanOrEqualTo(3).endsWith(100);
    assertThat(request.environments().get(0).rollout()).as("dev: all at once").isNull();
    assertThat(List.of(production.analysis().metricsUrl())).allMatch(url -> url.startsWith("file:"));
  }
}
