package dev.gantry.examples;

import dev.gantry.activities.audit.SignatureAuditLog;
import dev.gantry.activities.signing.DemoKeys;
import dev.gantry.activities.signing.KmsClients;
import dev.gantry.activities.signing.SigningActivitiesImpl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.activities.audit.JsonlAuditLog;
import dev.gantry.activities.deploy.DeploymentActivitiesImpl;
import dev.gantry.activities.local.HealthChecker;
import dev.gantry.activities.local.LocalTarget;
import dev.gantry.activities.quality.QualityGateActivitiesImpl;
import dev.gantry.activities.window.DeploymentWindowActivitiesImpl;
import dev.gantry.activities.directory.FileApproverDirectory;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.ReleaseStatus;
import dev.gantry.workflows.api.release.SearchAttributes;
import dev.gantry.workflows.api.temporal.TaskQueues;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testserver.TestServer;
import io.temporal.worker.WorkerFactory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example runs for real: Temporal's test server on a port, a plain worker, the example release. */
class ReleaseFromJavaTest {
  @TempDir Path dir;

  @Test
  // the test server has to run while the example talks to it on its port; the body never names it
  @SuppressWarnings("try")
  void theExampleStartsTheReleaseAndFollowsItUntilItWaitsForPeople() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    try (TestServer.PortBoundTestServer server = TestServer.createPortBoundServer(port, true)) {
      WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(
          WorkflowServiceStubsOptions.newBuilder().setTarget("127.0.0.1:" + port).build());
      WorkflowClient client = WorkflowClient.newInstance(stubs);
      dev.gantry.starter.client.SearchAttributeSetup.ensure(stubs, "default");
      WorkerFactory factory = WorkerFactory.newInstance(client);
      var worker = factory.newWorker(TaskQueues.RELEASE);
      // every workflow a production worker hosts (the activities below are this test's own)
      worker.registerWorkflowImplementationTypes(
          dev.gantry.workflows.WorkerCatalogue.WORKFLOW_IMPLEMENTATIONS.toArray(new Class<?>[0]));
      DemoKeys.ensure(Path.of("..").toAbsolutePath().normalize());
      worker.registerActivitiesImplementations(new dev.gantry.workflows.lock.LockHolderLookup(client), 
          // the real policy resolver over the example's policy: the request says only what to release
          new dev.gantry.starter.spec.PolicyActivitiesImpl(Path.of("..", "policy")),
          new DeploymentActivitiesImpl(List.of(new LocalTarget(new HealthChecker(), Clock.systemUTC()))),
          new JsonlAuditLog(dir.resolve("audit.jsonl"), dir.resolve("reviews")),
          new FileApproverDirectory(), new QualityGateActivitiesImpl(), new DeploymentWindowActivitiesImpl(),
          new SigningActivitiesImpl(dir.resolve("signatures"), new SignatureAuditLog(dir.resolve("signatures.jsonl")),
              System::getenv, KmsClients::create, Clock.systemUTC()));
      factory.start();
      try {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        ReleaseStatus status = ReleaseFromJava.release("127.0.0.1:" + port,
            Path.of("..", "release.yaml").toAbsolutePath().normalize(), Duration.ofMinutes(2),
            new PrintStream(printed, true, StandardCharsets.UTF_8));

        // dev and staging deploy by themselves; production waits for its window or its approvers
        assertThat(status.state()).isIn(ReleaseState.WAITING, ReleaseState.AWAITING_APPROVAL);
        assertThat(status.environments().get(1).state().name()).isEqualTo("DEPLOYED");
        assertThat(printed.toString(StandardCharsets.UTF_8))
            .contains("started release/hello-service/1.4.0")
            .contains("staging                      quality gate passed")
            .contains("release/hello-service/1.4.0  " + status.state());
      } finally {
        factory.shutdownNow();
        stubs.shutdownNow();
      }
    }
  }
}
