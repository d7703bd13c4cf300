package dev.gantry.worker;

import static dev.gantry.worker.CliEndToEndTest.cli;
import static dev.gantry.worker.CliEndToEndTest.startWorker;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.starter.cli.GantryCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One release per application and environment at a time, on the real dev server with the Spring worker: two
 * releases of hello-service started together both pass production's gates; whichever deploys first holds
 * production (its canary waits for a person), the other waits before changing anything there (its status names
 * the first), and goes on once the first is gone, even terminated without a word (the lock finds its holder no
 * longer runs). With {@code concurrency: refuse} in production's policy a third is refused.
 */
@RealPeers
class OneReleasePerEnvironmentTest {
  private static final String FIRST = "release/hello-service/1.4.0";
  private static final String SECOND = "release/hello-service/1.4.1";
  private static final String THIRD = "release/hello-service/1.4.2";
  private static final String LOCK = "lock/hello-service/production";
  private final ObjectMapper json = new ObjectMapper();

  @TempDir Path examples;

  @Test
  // the worker has to run while the test drives releases through Temporal; the body never names it
  @SuppressWarnings("try")
  void aSecondReleaseWaitsForTheFirstToLeaveTheEnvironmentAndRefuseModeRefuses() throws Exception {
    Path spec = Examples.undecidedCanaryCopy(examples);
    Path policy = Examples.policy(examples);
    Path second = another(spec, "1.4.1");
    Path third = another(spec, "1.4.2");
    try (TemporalPeer temporal = TemporalPeer.start(TemporalPeer.Kind.DEV_SERVER);
        ConfigurableApplicationContext worker = startWorker(temporal.address(), policy);
        var gantry = dev.gantry.starter.client.GantryClient.connect(temporal.address(), "default")) {
      String address = temporal.address();
      assertThat(cli("release", "start", spec.toString(), "--address", address).exitCode()).isZero();
      assertThat(cli("release", "start", second.toString(), "--address", address).exitCode()).isZero();

      // whichever deploys to production first holds it (its canary waits for a person); the other waits
      var lock = gantry.workflowClient().newWorkflowStub(dev.gantry.workflows.lock.EnvironmentLockWorkflow.class, LOCK);
      String holder = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (holder == null && System.nanoTime() < deadline) {
        try {
          var held = lock.state().holder();
          holder = held == null ? null : held.releaseId();
        } catch (RuntimeException notStartedYet) {
          // nobody has asked for production yet
        }
        Thread.sleep(300);
      }
      assertThat(holder).as("one release took production").isIn(FIRST, SECOND);
      String holding = holder;
      String waiter = holder.equals(FIRST) ? SECOND : FIRST;
      await(address, holding, s -> s.toString().contains("inconclusive"));
      JsonNode waiting = await(address, waiter, s -> "lock:production".equals(s.get("stage").asText()));
      assertThat(waiting.get("state").asText()).isEqualTo("WAITING");
      assertThat(waiting.toString()).contains("waiting for " + holding + " to leave production");
      String shown = cli("release", "status", waiter, "--address", address).out();
      assertThat(shown).contains(holding + " to leave production");
      JsonNode waiterProduction = waiting.get("environments").get(2);
      assertThat(waiterProduction.get("environment").asText()).isEqualTo("production");
      waiterProduction.get("regions").forEach(region -> assertThat(region.get("state").asText())
          .as("the waiter has not touched production").isEqualTo("PENDING"));
      assertThat(lock.state().holder().releaseId()).as("the holder is not disturbed").isEqualTo(holding);

      // the holder is terminated (as from the Temporal UI): it never says it left; the lock finds out
      gantry.workflowClient().newUntypedWorkflowStub(holding).terminate("stuck");
      JsonNode proceeded = await(address, waiter, s -> s.toString().contains("inconclusive"));
      assertThat(proceeded.toString()).contains("production is free");
      assertThat(lock.state().holder().releaseId()).isEqualTo(waiter);

      // policy now refuses rather than waits (the worker reads its policy again for every release)
      Path production = policy.resolve("environments/production/config.yaml");
      Files.writeString(production, Files.readString(production) + "\nconcurrency: refuse\n");
      assertThat(cli("release", "start", third.toString(), "--address", address).exitCode()).isZero();
      JsonNode refused = await(address, THIRD, s -> "FAILED".equals(s.get("state").asText()));
      assertThat(refused.get("failureReason").asText())
          .contains("refused: " + waiter + " is in production (policy concurrency: refuse");

      // an abort gives the environment back at once
      assertThat(cli("release", "abort", waiter, "--reason", "done testing", "--as", "erin", "--address", address)
          .exitCode()).isZero();
      JsonNode aborted = await(address, waiter, s -> "CANCELED".equals(s.get("state").asText()));
      assertThat(aborted.get("failureReason").asText()).isEqualTo("the release was aborted by erin: done testing");
      long lockDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (lock.state().holder() != null && System.nanoTime() < lockDeadline) {
        Thread.sleep(200);
      }
      assertThat(lock.state().holder()).as("the aborted release left production").isNull();
    }
  }

  /**
   * The example's request for another version, with its own bytes: two releases of the same bytes at once
   * share one signature record (a separate problem, not this lock's), so each version gets its own build.
   */
  private static Path another(Path spec, String version) throws java.io.IOException {
    Path artifact = spec.resolveSibling("artifacts/hello-service.sh");
    Path build = Files.createDirectories(spec.resolveSibling("artifacts/" + version)).resolve("hello-service.sh");
    Files.writeString(build, Files.readString(artifact) + "\n# build " + version + "\n");
    return Files.writeString(spec.resolveSibling(version + ".yaml"), Files.readString(spec)
        .replace("1.4.0", version).replace("artifacts/hello-service.sh", "artifacts/" + version + "/hello-service.sh"));
  }

  private JsonNode status(String address, String id) throws Exception {
    CliEndToEndTest.Run run = cli("release", "status", id, "--address", address, "-o", "json");
    return run.out().trim().startsWith("{") ? json.readTree(run.out()) : null;
  }

  private JsonNode await(String address, String id, Predicate<JsonNode> until) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    JsonNode status = null;
    while (System.nanoTime() < deadline) {
      CliEndToEndTest.Run run = cli("release", "status", id, "--address", address, "-o", "json");
      if (!run.out().isBlank() && run.out().trim().startsWith("{")) {
        status = json.readTree(run.out());
        if (status.has("stage") && until.test(status)) {
          return status;
        }
      }
      Thread.sleep(300);
    }
    throw new AssertionError(id + " never got there; last status: " + status);
  }
}
