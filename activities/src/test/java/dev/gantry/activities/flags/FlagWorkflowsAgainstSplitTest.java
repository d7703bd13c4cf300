package dev.gantry.activities.flags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpServer;
import dev.gantry.activities.audit.JsonlAuditLog;
import dev.gantry.workflows.api.flags.Allocation;
import dev.gantry.workflows.api.flags.ExperimentDecision;
import dev.gantry.workflows.api.flags.ExperimentDefinition;
import dev.gantry.workflows.api.flags.ExperimentRequest;
import dev.gantry.workflows.api.flags.ExperimentStatus;
import dev.gantry.workflows.api.flags.FeatureFlagActivities;
import dev.gantry.workflows.api.flags.FlagRampPlan;
import dev.gantry.workflows.api.flags.FlagRampRequest;
import dev.gantry.workflows.api.flags.FlagRampStatus;
import dev.gantry.workflows.api.flags.RampState;
import dev.gantry.workflows.api.flags.SplitSettings;
import dev.gantry.workflows.api.temporal.TaskQueues;
import dev.gantry.workflows.flags.ExperimentWorkflow;
import dev.gantry.workflows.flags.ExperimentWorkflowImpl;
import dev.gantry.workflows.flags.FlagRampWorkflow;
import dev.gantry.workflows.flags.FlagRampWorkflowImpl;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The experiment and ramp workflows with the real adapters: the Admin API client against the local Split
 * server, the metrics reader against a local endpoint replaying a recorded metric set, the real z-test,
 * the real audit log; Temporal's test server with time skipping (days of waiting take milliseconds).
 */
class FlagWorkflowsAgainstSplitTest {
  @TempDir Path dir;
  private FakeSplitAdmin split;
  private HttpServer metrics;
  private final AtomicReference<String> metricBody = new AtomicReference<>();
  private final List<String> metricQueries = new CopyOnWriteArrayList<>();
  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private SplitSettings settings;
  private String metricsUrl;
  /** The worker's policy: each test declares the ramp or experiment it starts. */
  private final dev.gantry.workflows.support.OwnersInPolicy policy = new dev.gantry.workflows.support.OwnersInPolicy();

  @BeforeEach
  void start() throws Exception {
    split = new FakeSplitAdmin();
    split.define("checkout-button", false);
    settings = new SplitSettings(FakeSplitAdmin.WS, FakeSplitAdmin.ENV, "SPLIT_ADMIN_API_KEY", split.adminUrl(), null,
        null);
    metrics = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    metrics.createContext("/flags", exchange -> {
      try (exchange) {
        metricQueries.add(exchange.getRequestURI().getRawQuery());
        byte[] body = metricBody.get().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
      }
    });
    metrics.start();
    metricsUrl = "http://127.0.0.1:" + metrics.getAddress().getPort() + "/flags";

    env = TestWorkflowEnvironment.newInstance();
    Worker worker = env.newWorker(TaskQueues.RELEASE);
    worker.registerWorkflowImplementationTypes(FlagRampWorkflowImpl.class, ExperimentWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        new FeatureFlagActivitiesImpl(new SplitAdminClient(HttpClient.newHttpClient(), Duration.ofSeconds(5),
            Map.of("SPLIT_ADMIN_API_KEY", FakeSplitAdmin.KEY)::get), new SplitSdkFlags(n -> null, 1000)),
        new FlagAnalysisActivitiesImpl(), policy,
        new JsonlAuditLog(dir.resolve("audit.jsonl"), dir.resolve("reviews")));
    env.start();
    client = env.getWorkflowClient();
  }

  @AfterEach
  void stop() {
    env.close();
    metrics.stop(0);
    split.close();
  }

  private void recorded(String file) throws Exception {
    metricBody.set(Files.readString(Path.of(getClass().getResource("/flags/" + file).toURI())));
  }

  private ExperimentWorkflow startExperiment(String decision) {
    ExperimentDefinition definition = new ExperimentDefinition("checkout-button-test", "checkout-button", "off",
        List.of(new Allocation("on", 50), new Allocation("off", 50)), "purchases", 5000L, 336, 60, 0.05, decision, 48);
    ExperimentRequest request = new ExperimentRequest("shop", "production", settings, metricsUrl, definition, "dana");
    policy.declare(request);
    ExperimentWorkflow experiment = client.newWorkflowStub(ExperimentWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(request.workflowId()).setTaskQueue(TaskQueues.RELEASE).build());
    WorkflowClient.start(experiment::run, request);
    return experiment;
  }

  private static ExperimentStatus result(ExperimentWorkflow experiment) {
    return WorkflowStub.fromTyped(experiment).getResult(ExperimentStatus.class);
  }

  @Test
  void anAutomaticExperimentKeepsTheBetterVariantOnARecordedMetricSet() throws Exception {
    recorded("metrics-clear-winner.json");

    ExperimentStatus done = result(startExperiment(ExperimentDefinition.AUTOMATIC));

    assertThat(done.state()).isEqualTo(RampState.DECIDED);
    assertThat(done.result().winner()).isEqualTo("on");
    assertThat(done.result().significant()).isTrue();
    assertThat(done.result().pValue()).isLessThan(0.001);
    assertThat(done.result().lift()).isBetween(0.250, 0.252);
    assertThat(done.outcome()).isEqualTo("on");
    assertThat(split.percentOn("checkout-button")).isEqualTo(100);
    assertThat(split.patches()).extracting(r -> r.body().toString()).containsExactly(
        "[{\"op\":\"replace\",\"path\":\"/defaultRule\",\"value\":[{\"treatment\":\"on\",\"size\":50},{\"treatment\":\"off\",\"size\":50}]}]",
        "[{\"op\":\"replace\",\"path\":\"/defaultRule\",\"value\":[{\"treatment\":\"on\",\"size\":100},{\"treatment\":\"off\",\"size\":0}]}]");
    assertThat(metricQueries.get(0)).startsWith("flag=checkout-button&environment=production&metric=purchases&since=");
    assertThat(Files.readString(dir.resolve("audit.jsonl"))).contains("experiment/shop/checkout-button-test/production")
        .contains("on wins");
  }

  @Test
  void aCloseResultIsNotSignificantAndGoesBackToTheControl() throws Exception {
    recorded("metrics-too-close.json");

    ExperimentStatus done = result(startExperiment(ExperimentDefinition.AUTOMATIC));

    assertThat(done.result().significant()).isFalse();
    assertThat(done.result().winner()).isNull();
    assertThat(done.result().summary()).startsWith("not significant");
    assertThat(done.outcome()).isEqualTo("off");
    assertThat(split.percentOn("checkout-button")).isZero();
  }

  @Test
  void aPersonDecidesAndAWrongDecisionIsRefusedWithoutTouchingTheHistory() throws Exception {
    recorded("metrics-clear-winner.json");
    ExperimentWorkflow experiment = startExperiment(ExperimentDefinition.MANUAL);
    while (experiment.status().state() != RampState.AWAITING_DECISION) {
      Thread.sleep(20);
    }
    WorkflowUpdateException refused = catchThrowableOfType(WorkflowUpdateException.class,
        () -> experiment.decide(new ExperimentDecision("erin", "keep", "purple", "looks nice")));
    assertThat(refused.getCause().getMessage()).contains("treatment 'purple' is not in this experiment");

    experiment.decide(new ExperimentDecision("erin", ExperimentDecision.KEEP, null, "significant and large"));
    ExperimentStatus done = result(experiment);
    assertThat(done.outcome()).isEqualTo("on");
    assertThat(done.decidedBy()).isEqualTo("erin");
    assertThat(split.percentOn("checkout-button")).isEqualTo(100);
    assertThat(client.fetchHistory(done.workflowId()).getHistory().getEventsList()).as("only the valid decision")
        .filteredOn(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED).hasSize(1);
  }

  @Test
  void aRampRetriesARateLimitedChangeAndStopsOnABadMetric() throws Exception {
    split.define("new-checkout", false);
    split.planned.add(new FakeSplitAdmin.Planned(429, "{\"code\":429,\"message\":\"Too Many Requests\"}", Map.of()));
    metricBody.set("{\"treatments\": [{\"treatment\": \"on\", \"exposures\": 4000, \"conversions\": 200},"
        + " {\"treatment\": \"off\", \"exposures\": 36000, \"conversions\": 72}]}");
    FlagRampRequest request = new FlagRampRequest("shop", "production", settings, metricsUrl,
        new FlagRampPlan("new-checkout", null, null, List.of(10, 50, 100), 15, "checkout_errors", 0.01, 500), "dana",
        null);
    policy.declare(request);
    FlagRampWorkflow ramp = client.newWorkflowStub(FlagRampWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(request.workflowId()).setTaskQueue(TaskQueues.RELEASE).build());
    WorkflowClient.start(ramp::run, request);

    WorkflowFailedException failed = catchThrowableOfType(WorkflowFailedException.class,
        () -> WorkflowStub.fromTyped(ramp).getResult(FlagRampStatus.class));

    assertThat(((ApplicationFailure) failed.getCause()).getType()).isEqualTo(FlagRampWorkflow.STOPPED);
    assertThat(failed.getCause().getMessage()).contains("checkout_errors 200/4000 = 0.0500 (max 0.01)");
    assertThat(split.patches()).as("429, the retried 10%, then back to 0%").hasSize(3);
    assertThat(split.percentOn("new-checkout")).isZero();
  }

  @Test
  void aRefusedChangeIsNotRetried() {
    split.planned.add(new FakeSplitAdmin.Planned(403, "{\"code\":403,\"message\":\"Forbidden\"}", Map.of()));

    WorkflowFailedException failed = catchThrowableOfType(WorkflowFailedException.class,
        () -> result(startExperiment(ExperimentDefinition.AUTOMATIC)));

    ActivityFailure activity = (ActivityFailure) failed.getCause();
    assertThat(((ApplicationFailure) activity.getCause()).getType()).isEqualTo(FeatureFlagActivities.REFUSED);
    assertThat(activity.getCause().getMessage()).contains("403").contains("no access to this workspace");
    assertThat(split.patches()).hasSize(1);
  }
}
