package dev.gantry.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.starter.cli.GantryCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine;

/**
 * The example release driven through the real {@code gantry} CLI, over gRPC, against a real Temporal
 * service and the Spring worker, deploying into a real folder tree.
 */
@RealPeers
class CliEndToEndTest {
  private Path spec;
  private Path policy;
  private Path targets;
  private static final String ID = "release/hello-service/1.4.0";
  private final ObjectMapper json = new ObjectMapper();

  @TempDir Path examples;

  /** The example request, and the platform policy the worker gets; the policy deploys into the copy. */
  @org.junit.jupiter.api.BeforeEach
  void copyTheExample() throws Exception {
    spec = Examples.frozenCopy(examples);
    policy = Examples.policy(examples);
    targets = Examples.targets(examples);
  }

  record Run(int exitCode, String out, String err) {}

  @ParameterizedTest
  @EnumSource(TemporalPeer.Kind.class)
  // the worker has to run while the test drives releases through Temporal; the body never names it
  @SuppressWarnings("try")
  void exampleReleaseTravelsToProductionThroughTheCli(TemporalPeer.Kind kind) throws Exception {
    try (TemporalPeer temporal = TemporalPeer.start(kind);
        ConfigurableApplicationContext worker = startWorker(temporal.address(), policy)) {
      String address = temporal.address();

      Run started = cli("release", "start", spec.toString(), "--address", address, "-o", "json");
      assertThat(started.exitCode()).as(started.err()).isZero();
      assertThat(json.readTree(started.out()).get("releaseId").asText()).isEqualTo(ID);

      JsonNode frozen = awaitStage(address, "window:production");
      assertThat(frozen.get("state").asText()).isEqualTo("WAITING");
      assertThat(frozen.toString()).contains("test freeze");
      Run notEmergency = cli("release", "override", ID, "--as", "alice", "--gate", "window",
          "--justification", "I want it now", "--incident", "INC-1", "--address", address);
      assertThat(notEmergency.exitCode()).isEqualTo(GantryCli.FAILED);
      assertThat(notEmergency.err()).contains("only members of emergency-approvers");
      Run override = cli("release", "override", ID, "--as", "erin", "--gate", "window",
          "--justification", "customer-facing outage fix", "--incident", "INC-4711", "--address", address);
      assertThat(override.exitCode()).as(override.err()).isZero();

      JsonNode waiting = awaitStage(address, "approval:production");
      assertThat(waiting.get("state").asText()).isEqualTo("AWAITING_APPROVAL");
      assertThat(Files.readSymbolicLink(targets.resolve("staging/eu-west-1/current")))
          .isEqualTo(Path.of("releases", "1.4.0"));
      assertThat(targets.resolve("production")).doesNotExist();

      Run again = cli("release", "start", spec.toString(), "--address", address);
      assertThat(again.exitCode()).isEqualTo(GantryCli.FAILED);
      assertThat(again.err()).contains("already exists");

      Run stranger = cli("release", "approve", ID, "--as", "mallory", "--address", address);
      assertThat(stranger.exitCode()).isEqualTo(GantryCli.FAILED);
      assertThat(stranger.err()).contains("unknown approver 'mallory'");
      Run requester = cli("release", "approve", ID, "--as", "dana", "--address", address);
      assertThat(requester.err()).contains("separation of duties");

      assertThat(cli("release", "approve", ID, "--as", "alice", "--address", address).exitCode()).isZero();
      assertThat(cli("release", "approve", "hello-service/1.4.0", "--as", "bob", "--comment", "ship it",
          "--address", address).exitCode()).isZero();

      Run watched = cli("release", "watch", ID, "--address", address, "--timeout", "PT2M");
      assertThat(watched.exitCode()).as(watched.out() + watched.err()).isZero();
      assertThat(watched.out()).contains("release succeeded").contains("SUCCEEDED");

      for (String region : List.of("us-east-1", "us-west-2", "eu-west-1", "ap-southeast-1")) {
        assertThat(Files.readSymbolicLink(targets.resolve("production").resolve(region).resolve("current")))
            .isEqualTo(Path.of("releases", "1.4.0"));
      }
      JsonNode deployed = json.readTree(targets.resolve("production/deployed.json").toFile());
      JsonNode status = json.readTree(cli("release", "status", ID, "--address", address, "-o", "json").out());
      assertThat(deployed.get("artifactDigest").asText()).isEqualTo(status.get("artifactDigest").asText());
      // The CLI sends updates: the refused ones (mallory, dana) were turned away before reaching history.
      assertThat(status.get("approvals")).hasSize(2);

      Run setup = cli("setup", "--address", address);
      assertThat(setup.exitCode()).as(setup.err()).isZero();
      assertThat(setup.out()).contains("GantryStatus");
      Run listed = cli("release", "list", "--application", "hello-service", "--status", "succeeded",
          "--address", address, "-o", "json");
      if (kind == TemporalPeer.Kind.DEV_SERVER) {
        // visibility is eventually consistent: give it a moment
        for (int i = 0; i < 50 && !listed.out().contains(ID); i++) {
          Thread.sleep(200);
          listed = cli("release", "list", "--application", "hello-service", "--status", "succeeded",
              "--address", address, "-o", "json");
        }
        assertThat(listed.exitCode()).as(listed.err()).isZero();
        JsonNode row = json.readTree(listed.out()).get(0);
        assertThat(row.get("releaseId").asText()).isEqualTo(ID);
        assertThat(row.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(row.get("stage").asText()).isEqualTo("done");
        Run none = cli("release", "list", "--application", "hello-service", "--status", "FAILED",
            "--address", address);
        assertThat(none.out()).contains("no releases match");
        Run injection = cli("release", "list", "--application", "x' OR 1=1", "--address", address);
        assertThat(injection.exitCode()).isEqualTo(GantryCli.USAGE);
        Run typo = cli("release", "status", "hello-service/1.4.1", "--address", address);
        assertThat(typo.exitCode()).isEqualTo(GantryCli.FAILED);
        assertThat(typo.err()).contains("did you mean release/hello-service/1.4.0?");
      } else {
        assertThat(listed.exitCode()).isEqualTo(GantryCli.FAILED);
        assertThat(listed.out()).contains("cannot list workflows");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(TemporalPeer.Kind.class)
  // the worker has to run while the test drives releases through Temporal; the body never names it
  @SuppressWarnings("try")
  void usageErrorsAndUnreachableServerHaveMeaningfulExitCodes(TemporalPeer.Kind kind) throws Exception {
    try (TemporalPeer temporal = TemporalPeer.start(kind)) {
      Run missingFlag = cli("release", "approve", ID, "--address", temporal.address());
      assertThat(missingFlag.exitCode()).isEqualTo(GantryCli.USAGE);
      assertThat(missingFlag.err()).contains("--as");

      Path broken = Files.writeString(examples.resolve("broken.yaml"), "application: Hello World\nversoin: 1\n");
      Run badSpec = cli("release", "start", broken.toString(), "--address", temporal.address(), "-o", "json");
      assertThat(badSpec.exitCode()).isEqualTo(GantryCli.USAGE);
      assertThat(json.readTree(badSpec.out()).get("problems").toString()).contains("versoin");

      // where a release deploys is the platform's policy: the request cannot move the target any more
      Run targetRoot = cli("release", "start", spec.toString(), "--target-root", examples.resolve("elsewhere").toString(),
          "--address", temporal.address());
      assertThat(targetRoot.exitCode()).isEqualTo(GantryCli.USAGE);
      assertThat(targetRoot.err()).contains("Unknown options: '--target-root'");
      // ... nor name the platform's settings in the request: the spec loader refuses them before anything starts
      Path signing = Files.writeString(examples.resolve("signing.yaml"), Files.readString(spec)
          + "signing: {key: keys/release.key}\n");
      Run moved = cli("release", "start", signing.toString(), "--address", temporal.address());
      assertThat(moved.exitCode()).isEqualTo(GantryCli.USAGE);
      assertThat(moved.err()).contains("field 'signing' moved into the platform policy");

      try (ConfigurableApplicationContext worker = startWorker(temporal.address(), policy)) {
        // an artifact outside the folders the worker's policy allows: the worker refuses the release
        Files.writeString(examples.resolve("hello-service.sh"), "echo not from the build\n");
        Path stray = Files.writeString(examples.resolve("stray.yaml"), Files.readString(spec)
            .replace("file: artifacts/hello-service.sh", "file: hello-service.sh").replace("1.4.0", "6.6.6"));
        Run strayStarted = cli("release", "start", stray.toString(), "--address", temporal.address(), "-o", "json");
        assertThat(strayStarted.exitCode()).as(strayStarted.err()).isZero();
        Run refused = cli("release", "watch", "hello-service/6.6.6", "--address", temporal.address(), "--timeout", "PT1M");
        assertThat(refused.exitCode()).isEqualTo(GantryCli.FAILED);
        assertThat(refused.out()).contains("refused: field 'artifact.location' is not inside a folder the platform"
            + " policy allows for artifacts");
        assertThat(Examples.targets(examples)).as("a refused release deploys nothing").doesNotExist();

        Run started = cli("release", "start", spec.toString(), "--address", temporal.address(), "-o", "json");
        assertThat(started.exitCode()).as(started.err()).isZero();
        awaitStage(temporal.address(), "window:production");
        Run abort = cli("release", "abort", ID, "--reason", "wrong build", "--address", temporal.address());
        assertThat(abort.exitCode()).as(abort.err()).isZero();
        Run watched = cli("release", "watch", ID, "--address", temporal.address(), "--timeout", "PT1M");
        assertThat(watched.exitCode()).isEqualTo(GantryCli.FAILED);
        assertThat(watched.out()).contains("failure: the release was aborted by ").contains(": wrong build");
        Run report = cli("release", "report", ID, "--address", temporal.address());
        assertThat(report.exitCode()).isEqualTo(GantryCli.FAILED);
        assertThat(report.out()).contains("timeline").contains("release failed: the release was aborted by ");
      }

      Run unknown = cli("release", "status", "hello-service/9.9.9", "--address", temporal.address());
      assertThat(unknown.exitCode()).isEqualTo(GantryCli.FAILED);
      assertThat(unknown.err()).contains("no release release/hello-service/9.9.9");
    }
    Run down = cli("release", "status", ID, "--address", "127.0.0.1:1");
    assertThat(cli("completion").out()).contains("gantry").contains("approve");
    assertThat(down.exitCode()).isEqualTo(GantryCli.FAILED);
    assertThat(down.err()).contains("cannot reach Temporal at 127.0.0.1:1");
  }

  /**
   * A release Temporal terminated never says so itself: its search attribute and its status query still
   * say where it was. The CLI shows Temporal's word: in {@code list}, in {@code status} (also when the
   * query cannot run, with no worker), and {@code approve} says the release is closed, not missing.
   */
  @ParameterizedTest
  @EnumSource(TemporalPeer.Kind.class)
  // the worker has to run while the test drives releases through Temporal; the body never names it
  @SuppressWarnings("try")
  void aTerminatedReleaseShowsAsTerminatedAndRefusesApprovals(TemporalPeer.Kind kind) throws Exception {
    try (TemporalPeer temporal = TemporalPeer.start(kind)) {
      String address = temporal.address();
      try (ConfigurableApplicationContext worker = startWorker(address, policy)) {
        Run started = cli("release", "start", spec.toString(), "--address", address);
        assertThat(started.exitCode()).as(started.err()).isZero();
        awaitStage(address, "window:production");
        try (var gantry = dev.gantry.starter.client.GantryClient.connect(address, "default")) {
          gantry.workflowClient().newUntypedWorkflowStub(ID).terminate("stuck at the window");
        }

        Run status = cli("release", "status", ID, "--timeline", "--address", address);
        assertThat(status.exitCode()).as(status.out() + status.err()).isEqualTo(GantryCli.FAILED);
        assertThat(status.out()).contains(ID + "  TERMINATED (window:production)")
            .contains("failure: terminated by gantry-client:").contains(": stuck at the window")
            .contains("timeline").doesNotContainPattern("(?m)^      waiting for"); // it waits for nothing any more
        assertThat(status.err()).isEmpty();
        JsonNode asJson = json.readTree(cli("release", "status", ID, "--address", address, "-o", "json").out());
        assertThat(asJson.get("state").asText()).isEqualTo("TERMINATED");

        Run approve = cli("release", "approve", ID, "--as", "alice", "--address", address);
        assertThat(approve.exitCode()).isEqualTo(GantryCli.FAILED);
        assertThat(approve.err()).contains("release " + ID + " already ended: TERMINATED at ")
            .contains("takes no approval any more").doesNotContain("no release").doesNotContain("Exception");
        Run pause = cli("release", "pause", ID, "--reason", "too late", "--address", address);
        assertThat(pause.exitCode()).isEqualTo(GantryCli.FAILED);
        assertThat(pause.err()).contains("already ended").contains("takes no pause any more");
        Run watched = cli("release", "watch", ID, "--address", address, "--timeout", "PT1M");
        assertThat(watched.exitCode()).as("a terminated release is over: watch ends at once")
            .isEqualTo(GantryCli.FAILED);
        assertThat(watched.out()).contains("TERMINATED");

        if (kind == TemporalPeer.Kind.DEV_SERVER) {
          Run listed = cli("release", "list", "--address", address, "-o", "json");
          for (int i = 0; i < 50 && !listed.out().contains("TERMINATED"); i++) {
            Thread.sleep(200); // visibility is eventually consistent
            listed = cli("release", "list", "--address", address, "-o", "json");
          }
          JsonNode row = json.readTree(listed.out()).get(0);
          assertThat(row.get("releaseId").asText()).isEqualTo(ID);
          assertThat(row.get("status").asText()).as("not its last search attribute, WAITING")
              .isEqualTo("TERMINATED");
          assertThat(row.get("stage").asText()).isEqualTo("window:production");
          assertThat(cli("release", "list", "--status", "terminated", "--address", address).out()).contains(ID);
          assertThat(cli("release", "list", "--status", "waiting", "--address", address).out())
              .contains("no releases match");
          assertThat(cli("release", "list", "--status", "running", "--address", address).out())
              .contains("no releases match");
          Run badStatus = cli("release", "list", "--status", "DONE", "--address", address);
          assertThat(badStatus.exitCode()).isEqualTo(GantryCli.USAGE);
          assertThat(badStatus.err()).contains("is not a release state");
        }
      }

      // No worker now: the query cannot run on the closed release; status says what Temporal knows.
      Run unanswered = cli("release", "status", ID, "--address", address);
      assertThat(unanswered.exitCode()).as(unanswered.out() + unanswered.err()).isEqualTo(GantryCli.FAILED);
      assertThat(unanswered.out()).contains(ID + "  TERMINATED")
          .contains("its status query did not answer").contains("this is what Temporal knows of it");
      assertThat(unanswered.err()).isEmpty();
    }
  }

  private JsonNode awaitStage(String address, String stage) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    JsonNode status = null;
    while (System.nanoTime() < deadline) {
      Run run = cli("release", "status", ID, "--address", address, "-o", "json");
      if (run.exitCode() == 0) {
        status = json.readTree(run.out());
        if (stage.equals(status.get("stage").asText())) {
          return status;
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("release never reached " + stage + "; last status: " + status);
  }

  /**
   * The Spring worker on {@code address}, with the platform policy in {@code policy} (a copy of the
   * example's, or one a test wrote) and any further {@code --property=value} arguments.
   */
  static ConfigurableApplicationContext startWorker(String address, Path policy, String... more) {
    // Command-line arguments outrank application.yml (default properties would not).
    List<String> args = new ArrayList<>(List.of("--spring.temporal.connection.target=" + address, "--server.port=0",
        "--gantry.policy.path=" + policy.toAbsolutePath(),
        // the worker's audit key, made beside the policy (<policy>/../keys/audit-worker.key) on first start
        "--gantry.audit.make-key=true"));
    args.addAll(List.of(more));
    return new SpringApplicationBuilder(GantryWorkerApplication.class).run(args.toArray(new String[0]));
  }

  static Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = GantryCli.newCommandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(new ArrayList<>(List.of(args)).toArray(new String[0]));
    return new Run(code, out.toString(), err.toString());
  }
}
