package dev.gantry.workflows.flags;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.workflows.api.flags.Allocation;
import dev.gantry.workflows.api.flags.ExperimentAnalysisRequest;
import dev.gantry.workflows.api.flags.ExperimentDecision;
import dev.gantry.workflows.api.flags.ExperimentDefinition;
import dev.gantry.workflows.api.flags.ExperimentRequest;
import dev.gantry.workflows.api.flags.ExperimentResult;
import dev.gantry.workflows.api.flags.ExperimentStatus;
import dev.gantry.workflows.api.flags.FlagAnalysisActivities;
import dev.gantry.workflows.api.flags.MetricCounts;
import dev.gantry.workflows.api.flags.MetricRequest;
import dev.gantry.workflows.api.flags.RampState;
import dev.gantry.workflows.api.flags.SplitSettings;
import dev.gantry.workflows.api.flags.TreatmentCount;
import dev.gantry.workflows.api.temporal.TaskQueues;
import dev.gantry.workflows.support.FakeAudit;
import dev.gantry.workflows.support.FakeFlags;
import dev.gantry.workflows.support.Histories;
import dev.gantry.workflows.support.Releases;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An A/B test with a person's decision, on fakes (time skipping): the sample grows by the hour until each
 * treatment has it; the significance test itself is tested in the activities module.
 */
class ExperimentWorkflowTest {
  @RegisterExtension
  static final TestWorkflowExtension testWorkflow = Releases.extension();

  private static final SplitSettings SPLIT = new SplitSettings("ws-1", "Production", "SPLIT_ADMIN_API_KEY", null,
      null, null);
  private final FakeFlags flags = new FakeFlags().define("checkout-button", false);

  /** 400 more exposures per treatment at every read; "on" converts better. */
  static final class GrowingSample implements FlagAnalysisActivities {
    final AtomicInteger reads = new AtomicInteger();

    @Override
    public MetricCounts readCounts(MetricRequest request) {
      long exposures = 400L * reads.incrementAndGet();
      return new MetricCounts(request.flag(), request.metric(), List.of(
          new TreatmentCount("on", exposures, exposures / 10), new TreatmentCount("off", exposures, exposures / 20)));
    }

    @Override
    public ExperimentResult compare(ExperimentAnalysisRequest request) {
      return new ExperimentResult(request.control(), List.of(), "on", true, 0.001, 1.0, request.alpha(), true,
          "on converts at 10.0% against 5.0% (p=0.001)");
    }
  }

  @Test
  void aManualExperimentWaitsForItsSampleThenKeepsTheTreatmentAPersonChooses(TestWorkflowEnvironment env) {
    GrowingSample metrics = new GrowingSample();
    Worker worker = env.newWorker(TaskQueues.RELEASE);
    worker.registerWorkflowImplementationTypes(ExperimentWorkflowImpl.class);
    dev.gantry.workflows.support.OwnersInPolicy policy = new dev.gantry.workflows.support.OwnersInPolicy();
    worker.registerActivitiesImplementations(flags, metrics, new FakeAudit(), policy);
    env.start();
    ExperimentDefinition definition = new ExperimentDefinition("checkout-button-test", "checkout-button", "off",
        List.of(new Allocation("on", 50), new Allocation("off", 50)), "purchases", 1000L, 336, 60, 0.05,
        ExperimentDefinition.MANUAL, 48);
    ExperimentRequest request = new ExperimentRequest(Releases.APP, "production", SPLIT, "http://metrics.test/flags",
        definition, "dana");
    policy.declare(request);
    WorkflowClient client = env.getWorkflowClient();
    ExperimentWorkflow experiment = client.newWorkflowStub(ExperimentWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(request.workflowId()).setTaskQueue(TaskQueues.RELEASE).build());
    WorkflowClient.start(experiment::run, request);
    for (int i = 0; i < 500 && experiment.status().state() != RampState.AWAITING_DECISION; i++) {
      env.sleep(Duration.ofMinutes(10));
    }
    assertThat(metrics.reads).as("read every hour until 1000 exposures each").hasValue(3);

    experiment.decide(new ExperimentDecision("erin", ExperimentDecision.KEEP, null, "clear winner"));
    ExperimentStatus done = WorkflowStub.fromTyped(experiment).getResult(ExperimentStatus.class);

    assertThat(done.state()).isEqualTo(RampState.DECIDED);
    assertThat(done.outcome()).isEqualTo("on");
    assertThat(done.decidedBy()).isEqualTo("erin");
    assertThat(flags.percentOf("checkout-button", "on")).isEqualTo(100);
    Histories.record(client, request.workflowId(), "experiment-hello-service-checkout-button-kept-from-policy");
  }
}
