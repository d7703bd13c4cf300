package dev.gantry.starter.cli;

import dev.gantry.starter.client.GantryClient;
import dev.gantry.starter.spec.ReleaseSpecLoader;
import dev.gantry.workflows.api.release.ReleaseRequest;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gantry release start} and {@code promote}: a release or a promotion from a release spec. */
final class ReleaseStartCommands {
  private ReleaseStartCommands() {}

  @Command(name = "start", mixinStandardHelpOptions = true, description = "Start a release from a release spec (YAML).")
  static class Start extends ReleaseCommand.Base {
    @Parameters(paramLabel = "SPEC", description = "The release spec, e.g. examples/release.yaml.")
    Path specFile;

    @Option(names = "--requested-by", description = "Who requests the release (default: the spec's"
        + " requestedBy, else $USER).")
    String requestedBy;

    @Option(names = "--wait", description = "Follow the release until it ends; exit 1 if it fails.")
    boolean waitForEnd;

    @Option(names = "--timeout", defaultValue = "PT24H",
        description = "With --wait: how long to follow (ISO-8601, default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() {
      ReleaseRequest request = new ReleaseSpecLoader().load(specFile,
          new ReleaseSpecLoader.Overrides(requestedBy, System.getenv("USER")));
      try (GantryClient gantry = connection.connect()) {
        String releaseId = gantry.startRelease(request);
        if (json() && !waitForEnd) {
          Map<String, Object> started = new LinkedHashMap<>();
          started.put("releaseId", releaseId);
          started.put("artifactDigest", request.artifact().digest());
          Output.json(spec.commandLine().getOut(), started);
        } else if (!json()) {
          println("started " + releaseId + " (" + request.artifact().digest() + ")");
          println("  follow:  gantry release watch " + releaseId);
          println("  approve: gantry release approve " + releaseId + " --as <approver>");
        }
        return waitForEnd ? follow(gantry, releaseId, timeout) : GantryCli.OK;
      }
    }
  }

  @Command(name = "promote", mixinStandardHelpOptions = true,
      description = "Promote a released version from one environment to the next: only from a healthy source"
          + " that runs exactly this artifact (same digest in every region); then the target's gates and deploy.")
  static class Promote extends ReleaseCommand.Base {
    @Parameters(index = "0", paramLabel = "APP", description = "The application, e.g. hello-service.")
    String application;

    @Parameters(index = "1", paramLabel = "VERSION", description = "The version, e.g. 1.4.0.")
    String version;

    @Option(names = "--from", required = true, description = "The source environment, e.g. staging.")
    String from;

    @Option(names = "--to", required = true, description = "The target environment, e.g. production.")
    String to;

    @Option(names = "--spec", defaultValue = "release.yaml",
        description = "The release spec VERSION was released with (default ${DEFAULT-VALUE}).")
    Path specFile;

    @Option(names = "--requested-by", description = "Who requests the promotion (default: the spec's, else $USER).")
    String requestedBy;

    @Option(names = "--wait", description = "Follow the promotion until it ends; exit 1 if it fails or is refused.")
    boolean waitForEnd;

    @Option(names = "--timeout", defaultValue = "PT24H", description = "How long --wait waits (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() {
      ReleaseRequest request = new ReleaseSpecLoader().loadPromotion(specFile, application, version, from, to,
          new ReleaseSpecLoader.Overrides(requestedBy, System.getenv("USER")));
      try (GantryClient gantry = connection.connect()) {
        String id = gantry.startRelease(request);
        List<GantryClient.Attempt> earlier = earlierAttempts(gantry, id);
        if (json() && !waitForEnd) {
          Map<String, Object> started = new LinkedHashMap<>();
          started.put("releaseId", id);
          started.put("from", from);
          started.put("to", to);
          started.put("artifactDigest", request.artifact().digest());
          started.put("attempt", earlier.size() + 1);
          started.put("earlierAttempts", earlier);
          Output.json(spec.commandLine().getOut(), started);
        } else if (!json()) {
          println("started " + id + ": " + version + " (" + request.artifact().digest() + ") from " + from + " to " + to
              + (earlier.isEmpty() ? "" : " (attempt " + (earlier.size() + 1) + ")"));
          earlier.forEach(attempt -> println("  " + describe(attempt)));
          println("  follow:  gantry release watch " + id);
        }
        return waitForEnd ? follow(gantry, id, timeout) : GantryCli.OK;
      }
    }
  }

  /** One attempt of a promotion, in a line. */
  static String describe(GantryClient.Attempt attempt) {
    return "attempt " + attempt.number() + ": " + attempt.state() + " (run " + attempt.runId() + ", started "
        + attempt.startedAt() + (attempt.closedAt() == null ? "" : ", ended " + attempt.closedAt()) + ")"
        + (attempt.reason() == null ? "" : ": " + attempt.reason());
  }

  /** The attempts of a promotion before the run just started (listed by the visibility store; may lag). */
  static List<GantryClient.Attempt> earlierAttempts(GantryClient gantry, String id) {
    try {
      return gantry.attempts(id).stream()
          .filter(attempt -> attempt.status() != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING)
          .toList();
    } catch (RuntimeException unreadable) {
      return List.of();
    }
  }
}
