package dev.gantry.workflows.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.workflows.api.approval.ApprovalPolicy;
import dev.gantry.workflows.api.environment.EnvironmentConfig;
import dev.gantry.workflows.api.environment.PromotionSource;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.ReleaseStatus;
import dev.gantry.workflows.support.FakeDeploymentActivities;
import dev.gantry.workflows.support.FakeEnvironments;
import dev.gantry.workflows.support.Histories;
import dev.gantry.workflows.support.Releases;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A promotion into an environment with a configuration to apply (the steps before its deploy), and two releases
 * of one application into one environment, which the environment's lock lets deploy one at a time.
 */
class PromotionAndLockWorkflowTest {
  @RegisterExtension
  static final TestWorkflowExtension testWorkflow = Releases.extension();

  private final FakeDeploymentActivities deployments = new FakeDeploymentActivities();
  private final FakeEnvironments environments = new FakeEnvironments();
  private WorkflowClient client;

  @BeforeEach
  void startWorker(TestWorkflowEnvironment env) {
    client = env.getWorkflowClient();
    Releases.startWorker(env, deployments, environments);
  }

  private static EnvironmentPlan production(EnvironmentConfig config) {
    EnvironmentPlan p = Releases.example().environments().get(2);
    return p.toBuilder()
        .approval(ApprovalPolicy.none())
        .environmentConfig(config)
        .build();
  }

  private ReleaseWorkflow start(ReleaseRequest request) {
    ReleaseWorkflow release = client.newWorkflowStub(ReleaseWorkflow.class, Releases.releaseOptions(request).build());
    WorkflowClient.start(release::run, request);
    return release;
  }

  @Test
  void aPromotionChecksItsSourceThenAppliesTheConfigurationBeforeTheDeploy() {
    ReleaseRequest example = Releases.example();
    EnvironmentPlan staging = example.environments().get(1);
    for (String region : staging.regions()) {
      deployments.preinstall("staging", region, Releases.VERSION);
    }
    environments.runs("staging", staging.regions(), Releases.VERSION, Releases.DIGEST);
    ReleaseRequest request = new ReleaseRequest(example.application(), example.version(), example.artifact(),
        List.of(production(new EnvironmentConfig(true, null, null, null, null, null))), example.requestedBy(),
        example.specSource(), null, null, new PromotionSource(staging));

    ReleaseStatus done = WorkflowStub.fromTyped(start(request)).getResult(ReleaseStatus.class);

    assertThat(done.state()).as(done.failureReason()).isEqualTo(ReleaseState.SUCCEEDED);
    assertThat(done.gates()).anySatisfy(g -> assertThat(g.gate() + " " + g.outcome()).isEqualTo("source passed"));
    assertThat(environments.applied).singleElement().satisfies(c -> assertThat(c.environment()).isEqualTo("production"));
    Histories.record(client, request.releaseId(), "release-hello-service-1.4.0-promotion-with-config");
  }

  @Test
  void twoReleasesOfOneApplicationDeployOneAtATime() {
    ReleaseRequest first = productionOnly(Releases.VERSION);
    ReleaseRequest second = productionOnly("1.5.0");
    ReleaseWorkflow one = start(first);
    ReleaseWorkflow two = start(second);

    assertThat(WorkflowStub.fromTyped(one).getResult(ReleaseStatus.class).state()).isEqualTo(ReleaseState.SUCCEEDED);
    assertThat(WorkflowStub.fromTyped(two).getResult(ReleaseStatus.class).state()).isEqualTo(ReleaseState.SUCCEEDED);

    List<String> locks = Histories.children(client, first.releaseId(), "EnvironmentLock");
    locks = locks.isEmpty() ? Histories.children(client, second.releaseId(), "EnvironmentLock") : locks;
    for (String lock : locks) {
      Histories.record(client, lock, "lock-hello-service-production-two-releases");
    }
    Histories.record(client, second.releaseId(), "release-hello-service-1.5.0-lock-answers-checked");
  }

  private static ReleaseRequest productionOnly(String version) {
    ReleaseRequest example = Releases.example(Releases.APP, version);
    return new ReleaseRequest(example.application(), example.version(), example.artifact(),
        List.of(production(null)), example.requestedBy(), example.specSource());
  }
}
