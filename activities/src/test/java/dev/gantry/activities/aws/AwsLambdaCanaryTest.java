package dev.gantry.activities.aws;

import static dev.gantry.activities.aws.MotoWorld.ALIAS;
import static dev.gantry.activities.aws.MotoWorld.FUNCTION;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.activities.analysis.MetricsAnalysis;
import dev.gantry.activities.support.MotoServer;
import dev.gantry.workflows.api.artifact.ArtifactRef;
import dev.gantry.workflows.api.deploy.DeployRequest;
import dev.gantry.workflows.api.deploy.DeployResult;
import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.deploy.RollbackRequest;
import dev.gantry.workflows.api.deploy.RollbackResult;
import dev.gantry.workflows.api.rollout.AnalysisPolicy;
import dev.gantry.workflows.api.rollout.AnalysisRequest;
import dev.gantry.workflows.api.rollout.AnalysisResult;
import dev.gantry.workflows.api.rollout.CloudWatchMetrics;
import dev.gantry.workflows.api.rollout.WeightRequest;
import dev.gantry.workflows.api.rollout.WeightResult;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.lambda.model.GetAliasResponse;

/** Progressive rollouts on Lambda against moto: alias routing weights step by step; CloudWatch analysis. */
class AwsLambdaCanaryTest {
  static final String REGION = "us-west-2";
  @RegisterExtension static final MotoServer moto = MotoServer.perClass();
  MotoWorld world;
  LambdaTarget target;
  DeployTarget deployTarget;
  @TempDir Path dir;

  @BeforeEach
  void world() {
    world = new MotoWorld(moto);
    world.region(REGION);
    target = world.lambdaTarget();
    deployTarget = DeployTarget.aws(DeployTarget.LAMBDA, world.target(null));
  }

  @AfterEach
  void close() {
    world.close();
  }

  DeployRequest deploy(String version, ArtifactRef artifact) {
    return AwsLambdaTargetTest.deploy(version, artifact, REGION, deployTarget);
  }

  WeightRequest weight(String version, int percent) {
    return new WeightRequest("release/hello-service/" + version, "hello-service", version, "production", REGION,
        deployTarget, percent);
  }

  GetAliasResponse alias() {
    return world.clients.lambda(REGION).getAlias(b -> b.functionName(FUNCTION).name(ALIAS));
  }

  Map<String, Double> routing() {
    GetAliasResponse alias = alias();
    return alias.routingConfig() == null || !alias.routingConfig().hasAdditionalVersionWeights() ? Map.of()
        : alias.routingConfig().additionalVersionWeights();
  }

  @Test
  void theAliasWeightsMoveStepByStepAndTheAliasMovesAt100() {
    target.deploy(deploy("1.3.0", MotoWorld.artifact(dir, "1.3.0")));
    String stable = alias().functionVersion();

    DeployResult dark = target.deployDark(deploy("1.4.0", MotoWorld.artifact(dir, "1.4.0")));
    assertThat(dark.previousVersion()).isEqualTo("1.3.0");
    assertThat(alias().functionVersion()).as("dark: the alias has not moved").isEqualTo(stable);
    assertThat(routing()).isEmpty();
    String canary = world.clients.lambda(REGION).listVersionsByFunction(b -> b.functionName(FUNCTION)).versions()
        .stream().filter(v -> "1.4.0".equals(v.description())).findFirst().orElseThrow().version();

    for (int percent : new int[] {5, 25, 50}) {
      WeightResult result = target.setWeight(weight("1.4.0", percent));
      assertThat(result.weight()).isEqualTo(percent);
      assertThat(result.stable()).isEqualTo("1.3.0");
      assertThat(alias().functionVersion()).as("at %d%% the alias stays on the stable version", percent)
          .isEqualTo(stable);
      assertThat(routing()).as("at %d%%", percent).containsExactly(Map.entry(canary, percent / 100.0));
    }
    assertThat(target.setWeight(weight("1.4.0", 50)).weight()).as("idempotent").isEqualTo(50);

    target.setWeight(weight("1.4.0", 100));
    assertThat(alias().functionVersion()).isEqualTo(canary);
    assertThat(routing()).isEmpty();
    assertThat(target.setWeight(weight("1.4.0", 100)).weight()).isEqualTo(100);
  }

  @Test
  void rollingBackACanaryClearsItsWeightAndLeavesTheStableVersion() {
    target.deploy(deploy("1.3.0", MotoWorld.artifact(dir, "1.3.0")));
    String stable = alias().functionVersion();
    target.deployDark(deploy("1.4.0", MotoWorld.artifact(dir, "1.4.0")));
    target.setWeight(weight("1.4.0", 25));
    assertThat(routing()).hasSize(1);

    RollbackResult undone = target.rollback(new RollbackRequest("release/hello-service/1.4.0", "hello-service",
        "1.4.0", "production", REGION, deployTarget, "analysis failed"));

    assertThat(undone.changed()).isTrue();
    assertThat(undone.restoredVersion()).isEqualTo("1.3.0");
    assertThat(alias().functionVersion()).isEqualTo(stable);
    assertThat(routing()).isEmpty();
    assertThat(target.rollback(new RollbackRequest("release/hello-service/1.4.0", "hello-service", "1.4.0",
        "production", REGION, deployTarget, "again")).changed()).as("idempotent").isFalse();
  }

  @Test
  void theCloudWatchAnalysisReadsSeededMetricsPerVersionWithGetMetricData() {
    CloudWatchAlarms cloudWatch = world.clients.cloudWatch(REGION);
    Instant now = Instant.now();
    seed(cloudWatch, "1.4.0", 400, 20, 210, now);
    seed(cloudWatch, "1.3.0", 1000, 2, 180, now);
    // moto cannot compute percentiles (p99 comes back empty): the test reads a p99 gauge with Maximum.
    CloudWatchMetrics metrics = new CloudWatchMetrics("HelloService", null, null, "LatencyP99", "Maximum", null,
        Map.of("Application", "hello-service"), 60);
    MetricsAnalysis analysis = new MetricsAnalysis(world.clients, Clock.systemUTC());

    AnalysisResult failing = analysis.analyze(request(new AnalysisPolicy(null, metrics, 0.01, 500.0, null, null,
        100L, 60, null), now));
    assertThat(failing.verdict()).isEqualTo(AnalysisResult.FAIL);
    assertThat(failing.detail()).contains("CloudWatch: error rate 5.00% > max 1.00%").contains("400 requests");
    assertThat(failing.canary().requests()).isEqualTo(400);
    assertThat(failing.baseline().errors()).isEqualTo(2);

    AnalysisResult baseline = analysis.analyze(request(new AnalysisPolicy(null, metrics, 0.10, null, null, 20.0,
        100L, 60, null), now));
    assertThat(baseline.verdict()).isEqualTo(AnalysisResult.FAIL);
    assertThat(baseline.detail()).contains("p99 210ms vs 180ms on 1.3.0 (+30ms > max +20ms)");

    AnalysisResult passing = analysis.analyze(request(new AnalysisPolicy(null, metrics, 0.10, 500.0, 0.10, 50.0,
        100L, 60, null), now));
    assertThat(passing.verdict()).isEqualTo(AnalysisResult.PASS);

    AnalysisResult tooFew = analysis.analyze(request(new AnalysisPolicy(null, metrics, 0.10, 500.0, null, null,
        1000L, 60, null), now));
    assertThat(tooFew.verdict()).isEqualTo(AnalysisResult.INCONCLUSIVE);
    assertThat(tooFew.detail()).contains("400 request(s) to 1.4.0 < minRequests 1000");
  }

  /**
   * Issue 16: the baseline has no datapoints at all in CloudWatch (moto answers empty series). This crashed with
   * a NullPointerException, which made a canary at 5% errors "inconclusive" for an hour; the absolute threshold
   * now fails it, and the missing baseline is a verdict by policy, said in the reason.
   */
  @Test
  void aBaselineWithoutDatapointsNeverCrashesAndAbsoluteThresholdsStillFailTheCanary() {
    CloudWatchAlarms cloudWatch = world.clients.cloudWatch(REGION);
    Instant now = Instant.now();
    seed(cloudWatch, "1.4.0", 400, 20, 210, now); // 5% errors; nothing at all for 1.3.0
    CloudWatchMetrics metrics = new CloudWatchMetrics("HelloService", null, null, "LatencyP99", "Maximum", null,
        Map.of("Application", "hello-service"), 60);
    MetricsAnalysis analysis = new MetricsAnalysis(world.clients, Clock.systemUTC());

    AnalysisResult failing = analysis.analyze(request(new AnalysisPolicy(null, metrics, 0.01, null, 0.005, null,
        100L, 60, null), now));
    assertThat(failing.verdict()).isEqualTo(AnalysisResult.FAIL);
    assertThat(failing.detail()).contains("error rate 5.00% > max 1.00%")
        .contains("no data for baseline 1.3.0");
    assertThat(failing.baseline().requests()).isNull();

    AnalysisResult relativeOnly = analysis.analyze(request(new AnalysisPolicy(null, metrics, null, null, 0.005, null,
        100L, 60, null, AnalysisPolicy.NO_DATA_FAIL), now));
    assertThat(relativeOnly.verdict()).isEqualTo(AnalysisResult.FAIL);
    assertThat(relativeOnly.detail()).contains("no data for baseline 1.3.0")
        .contains("fail by rollout.analysis.onNoData: fail");

    AnalysisResult unset = analysis.analyze(request(new AnalysisPolicy(null, metrics, null, null, 0.005, null,
        100L, 60, null), now));
    assertThat(unset.verdict()).isEqualTo(AnalysisResult.PASS);
    assertThat(unset.detail()).contains("no data for baseline 1.3.0").contains("onNoData unset");

    AnalysisResult noCanary = analysis.analyze(new AnalysisRequest("release/hello-service/1.5.0", "hello-service",
        "production", REGION, "1.5.0", "1.4.0", 1, 5, new AnalysisPolicy(null, metrics, 0.01, null, null, null,
            100L, 60, null, AnalysisPolicy.NO_DATA_FAIL), now.minusSeconds(120).toEpochMilli()));
    assertThat(noCanary.verdict()).isEqualTo(AnalysisResult.FAIL);
    assertThat(noCanary.detail()).contains("no data for 1.5.0").contains("onNoData: fail");
  }

  static AnalysisRequest request(AnalysisPolicy policy, Instant since) {
    return new AnalysisRequest("release/hello-service/1.4.0", "hello-service", "production", REGION, "1.4.0",
        "1.3.0", 2, 25, policy, since.minusSeconds(120).toEpochMilli());
  }

  static void seed(CloudWatchAlarms cloudWatch, String version, double requests, double errors, double p99,
      Instant at) {
    Map<String, String> dimensions = new LinkedHashMap<>();
    dimensions.put("Application", "hello-service");
    dimensions.put("Version", version);
    cloudWatch.putMetricData("HelloService", "Requests", dimensions, requests, "Count", at.minusSeconds(30));
    cloudWatch.putMetricData("HelloService", "Errors", dimensions, errors, "Count", at.minusSeconds(30));
    cloudWatch.putMetricData("HelloService", "LatencyP99", dimensions, p99, "Milliseconds", at.minusSeconds(30));
  }
}
