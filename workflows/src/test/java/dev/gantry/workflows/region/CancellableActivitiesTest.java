package dev.gantry.workflows.region;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.ReleaseStatus;
import dev.gantry.workflows.api.release.SearchAttributes;
import dev.gantry.workflows.api.rollout.AnalysisPolicy;
import dev.gantry.workflows.release.ReleaseWorkflow;
import dev.gantry.workflows.support.FakeAnalysis;
import dev.gantry.workflows.support.FakeDeploymentActivities;
import dev.gantry.workflows.support.Releases;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptorBase;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.workflow.Workflow;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 17, part 2: every activity of a region that changes it or judges it (the deploy, the dark deploy,
 * the traffic steps, the smoke and health checks) waits for its cancellation to complete, so that the
 * release's Saga never rolls a region back under a deploy still running; and it has a heartbeat timeout,
 * without which the cancel never reaches the activity (it learns of it on a heartbeat) and the wait lasts
 * until its start-to-close timeout. Checked on the options the workflows really schedule (an interceptor
 * records them), whichever class builds them. No cancellation happens here: the aborts themselves run on
 * the dev server (the worker's AbortEndToEndTest).
 */
class CancellableActivitiesTest {
  /** What changes or judges a region: compensation follows these. */
  private static final Set<String> CANCELLABLE = Set.of("Deployment.deploy", "Deployment.checkHealth",
      "Rollout.deployDark", "Rollout.smokeCheck", "Rollout.setWeight");

  private static final Map<String, ActivityOptions> scheduled = new ConcurrentHashMap<>();

  @RegisterExtension
  static final TestWorkflowExtension testWorkflow = extension();

  private final FakeDeploymentActivities fake = new FakeDeploymentActivities();
  private WorkflowClient client;

  @BeforeEach
  void startWorker(TestWorkflowEnvironment env) {
    client = env.getWorkflowClient();
    Releases.startWorker(env, fake, new FakeAnalysis());
    for (String region : Releases.PRODUCTION_REGIONS) {
      fake.preinstall("production", region, "1.3.0");
    }
    scheduled.clear();
  }

  @Test
  void anAllAtOnceRegionsDeployAndHealthCheckWaitForTheirCancellation() {
    assertThat(run(CanaryRolloutTest.production(null)).state()).isEqualTo(ReleaseState.SUCCEEDED);

    assertThat(regionActivities()).contains("Deployment.deploy", "Deployment.checkHealth");
    assertCancellable();
  }

  @Test
  void aCanarysDarkDeployTrafficStepsAndChecksWaitForTheirCancellation() {
    assertThat(run(CanaryRolloutTest.production(CanaryRolloutTest.canary(AnalysisPolicy.ROLLBACK))).state())
        .isEqualTo(ReleaseState.SUCCEEDED);

    assertThat(regionActivities()).contains("Rollout.deployDark", "Rollout.smokeCheck", "Rollout.setWeight",
        "Deployment.checkHealth");
    assertCancellable();
  }

  private void assertCancellable() {
    scheduled.forEach((activity, options) -> {
      if (CANCELLABLE.contains(activity.substring(activity.indexOf('/') + 1))) {
        assertThat(options.getCancellationType()).as(activity)
            .isEqualTo(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED);
        assertThat(options.getHeartbeatTimeout()).as(activity + ": the cancel reaches it on a heartbeat")
            .isNotNull().isPositive().isLessThanOrEqualTo(RegionDeploymentWorkflowImpl.HEARTBEAT);
      }
    });
  }

  private static Set<String> regionActivities() {
    return scheduled.keySet().stream().filter(key -> key.startsWith("RegionDeployment/"))
        .map(key -> key.substring(key.indexOf('/') + 1)).collect(java.util.stream.Collectors.toSet());
  }

  private ReleaseStatus run(ReleaseRequest request) {
    ReleaseWorkflow release = client.newWorkflowStub(ReleaseWorkflow.class, Releases.releaseOptions(request).build());
    WorkflowClient.start(release::run, request);
    try {
      return WorkflowStub.fromTyped(release).getResult(3, TimeUnit.MINUTES, ReleaseStatus.class);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("the release did not end within 3 minutes", e);
    }
  }

  /** {@link Releases#extension()} with an interceptor recording the options of every activity scheduled. */
  private static TestWorkflowExtension extension() {
    TestWorkflowExtension.Builder builder = TestWorkflowExtension.newBuilder()
        .setUseTimeskipping(true)
        .setDoNotStart(true)
        .setWorkerFactoryOptions(WorkerFactoryOptions.newBuilder().setWorkerInterceptors(new Recorder()).build());
    for (var key : SearchAttributes.ALL) {
      builder.registerSearchAttribute(key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    }
    return builder.build();
  }

  /** Records {@code <workflow type>/<activity type>} and the options it was scheduled with. */
  private static final class Recorder extends WorkerInterceptorBase {
    @Override
    public WorkflowInboundCallsInterceptor interceptWorkflow(WorkflowInboundCallsInterceptor next) {
      return new WorkflowInboundCallsInterceptorBase(next) {
        @Override
        public void init(WorkflowOutboundCallsInterceptor outbound) {
          super.init(new WorkflowOutboundCallsInterceptorBase(outbound) {
            @Override
            public <R> ActivityOutput<R> executeActivity(ActivityInput<R> input) {
              scheduled.put(Workflow.getInfo().getWorkflowType() + "/" + input.getActivityName(), input.getOptions());
              return super.executeActivity(input);
            }
          });
        }
      };
    }
  }
}
