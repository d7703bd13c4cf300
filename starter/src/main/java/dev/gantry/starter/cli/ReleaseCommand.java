package dev.gantry.starter.cli;

import dev.gantry.starter.client.GantryClient;
import dev.gantry.starter.client.ReleaseWatch;
import dev.gantry.starter.client.StatusView;
import dev.gantry.starter.spec.ReleaseSpecLoader;
import dev.gantry.workflows.api.ApprovalSignal;
import dev.gantry.workflows.api.ReleaseRequest;
import dev.gantry.workflows.api.ReleaseState;
import dev.gantry.workflows.api.ReleaseStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "release", description = "Start, follow and approve releases.",
    subcommands = {ReleaseCommand.Start.class, ReleaseCommand.Status.class,
        ReleaseCommand.Watch.class, ReleaseCommand.Approve.class})
class ReleaseCommand {

  interface Connected {
    ConnectionOptions connection();
  }

  abstract static class Base implements Callable<Integer>, Connected {
    @Mixin ConnectionOptions connection;
    @Spec CommandSpec spec;

    @Override
    public ConnectionOptions connection() {
      return connection;
    }

    boolean json() {
      return connection.output == ConnectionOptions.OutputFormat.json;
    }

    void print(String text) {
      spec.commandLine().getOut().print(text);
      spec.commandLine().getOut().flush();
    }

    void println(String text) {
      print(text + System.lineSeparator());
    }

    int follow(GantryClient gantry, String releaseId, Duration timeout) {
      ReleaseStatus last = new ReleaseWatch(gantry, Duration.ofMillis(500)).follow(releaseId, timeout,
          entry -> {
            if (!json()) {
              println(StatusView.line(entry));
            }
          });
      if (json()) {
        Output.json(spec.commandLine().getOut(), last);
      } else {
        println("");
        print(StatusView.render(last));
      }
      return last.state() == ReleaseState.SUCCEEDED ? GantryCli.OK : GantryCli.FAILED;
    }
  }

  @Command(name = "start", description = "Start a release from a release spec (YAML).")
  static class Start extends Base {
    @Parameters(paramLabel = "SPEC", description = "The release spec, e.g. examples/release.yaml.")
    Path specFile;

    @Option(names = "--requested-by", description = "Who requests the release (default: the spec's"
        + " requestedBy, else $USER).")
    String requestedBy;

    @Option(names = "--target-root", description = "Deploy local targets under this folder instead of"
        + " the spec's target.root.")
    Path targetRoot;

    @Option(names = "--wait", description = "Follow the release until it ends; exit 1 if it fails.")
    boolean waitForEnd;

    @Option(names = "--timeout", defaultValue = "PT24H",
        description = "With --wait: how long to follow (ISO-8601, default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() {
      String who = requestedBy;
      ReleaseRequest request = new ReleaseSpecLoader().load(specFile,
          new ReleaseSpecLoader.Overrides(who, targetRoot));
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

  @Command(name = "status", description = "Show where a release is: stage, environments, regions.")
  static class Status extends Base {
    @Parameters(paramLabel = "RELEASE_ID", description = "release/<app>/<version> or <app>/<version>.")
    String releaseId;

    @Option(names = "--timeline", description = "Also print the timeline.")
    boolean timeline;

    @Override
    public Integer call() {
      try (GantryClient gantry = connection.connect()) {
        ReleaseStatus status = gantry.status(releaseId);
        if (json()) {
          Output.json(spec.commandLine().getOut(), status);
        } else {
          print(StatusView.render(status));
          if (timeline) {
            println("  timeline");
            status.timeline().forEach(entry -> println("    " + StatusView.line(entry)));
          }
        }
        return status.state() == ReleaseState.FAILED ? GantryCli.FAILED : GantryCli.OK;
      }
    }
  }

  @Command(name = "watch", description = "Follow a release live until it ends (exit 1 if it fails).")
  static class Watch extends Base {
    @Parameters(paramLabel = "RELEASE_ID", description = "release/<app>/<version> or <app>/<version>.")
    String releaseId;

    @Option(names = "--timeout", defaultValue = "PT24H",
        description = "How long to follow (ISO-8601, default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() {
      try (GantryClient gantry = connection.connect()) {
        return follow(gantry, GantryClient.normalize(releaseId), timeout);
      }
    }
  }

  @Command(name = "approve", description = "Approve the open gate of a release (the 'approve' signal).")
  static class Approve extends Base {
    @Parameters(paramLabel = "RELEASE_ID", description = "release/<app>/<version> or <app>/<version>.")
    String releaseId;

    @Option(names = "--as", required = true, paramLabel = "APPROVER", description = "Who approves.")
    String approver;

    @Option(names = "--comment", description = "Why; kept in the release report.")
    String comment;

    @Option(names = "--environment", description = "The environment approved (default: the open gate).")
    String environment;

    @Override
    public Integer call() throws InterruptedException {
      try (GantryClient gantry = connection.connect()) {
        String id = GantryClient.normalize(releaseId);
        int before = gantry.status(id).approvals().size();
        gantry.approve(id, new ApprovalSignal(approver, comment, environment));
        // A signal is fire-and-forget: read the release's own verdict back so the caller learns it.
        ReleaseStatus status = gantry.status(id);
        for (int i = 0; i < 20 && status.approvals().size() <= before; i++) {
          Thread.sleep(100);
          status = gantry.status(id);
        }
        var verdict = status.approvals().size() > before
            ? status.approvals().get(status.approvals().size() - 1) : null;
        if (json()) {
          Output.json(spec.commandLine().getOut(), verdict == null ? Map.of("sent", true) : verdict);
        } else if (verdict == null) {
          println("approval sent to " + id + "; the release has not recorded it yet (worker busy or"
              + " down?): check `gantry release status " + id + "`");
        } else if (verdict.accepted()) {
          println("approval by " + approver + " accepted for " + verdict.environment());
        } else {
          spec.commandLine().getErr().println("error: approval refused: " + verdict.reason());
        }
        return verdict == null || verdict.accepted() ? GantryCli.OK : GantryCli.FAILED;
      }
    }
  }
}
