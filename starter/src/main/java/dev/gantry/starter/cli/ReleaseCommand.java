package dev.gantry.starter.cli;

import dev.gantry.starter.client.GantryClient;
import dev.gantry.starter.client.LiveView;
import dev.gantry.starter.client.PersonWaits;
import dev.gantry.starter.client.ReleaseWatch;
import dev.gantry.starter.client.StatusView;
import dev.gantry.starter.report.OfflineReport;
import dev.gantry.starter.report.OfflineReportView;
import dev.gantry.starter.spec.ReleaseSpecLoader;
import dev.gantry.workflows.api.ApprovalSignal;
import dev.gantry.workflows.api.ApprovalTokens;
import dev.gantry.workflows.api.GateDecision;
import dev.gantry.workflows.api.OverrideSignal;
import dev.gantry.workflows.api.PauseSignal;
import dev.gantry.workflows.api.RejectionSignal;
import dev.gantry.workflows.api.ReleaseRequest;
import dev.gantry.workflows.api.ReleaseState;
import dev.gantry.workflows.api.ReleaseStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "release", mixinStandardHelpOptions = true, description = "Start, follow and approve releases.",
    subcommands = {ReleaseCommand.Start.class, ReleaseCommand.Status.class,
        ReleaseCommand.Watch.class, ReleaseCommand.ListReleases.class, ReleaseCommand.Approve.class,
        ReleaseCommand.Reject.class, ReleaseCommand.Abort.class, ReleaseCommand.Report.class,
        ReleaseCommand.Pause.class, ReleaseCommand.Resume.class, ReleaseCommand.Rollback.class,
        ReleaseCommand.OverrideGate.class, ReleaseCommand.Promote.class})
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

    /** Prints each wait for a person once, when it begins (or when what it waits for changes). */
    void announce(ReleaseStatus status, java.util.Map<String, String> announced) {
      java.util.Set<String> now = new java.util.HashSet<>();
      for (PersonWaits.Wait wait : PersonWaits.of(status)) {
        now.add(wait.key());
        if (!wait.what().equals(announced.get(wait.key()))) {
          announced.put(wait.key(), wait.what());
          println(wait.lines());
        }
      }
      announced.keySet().retainAll(now);
    }

    void report(GateDecision decision, String text) {
      if (json()) {
        Output.json(spec.commandLine().getOut(), decision);
      } else {
        println(text);
      }
    }

    /**
     * Follows a release to its end. On a terminal: one screen redrawn in place (LiveView). Otherwise (a pipe,
     * a file, CI) one line per new timeline line, and each wait for a person, once, with what to run.
     */
    int follow(GantryClient gantry, String releaseId, Duration timeout) {
      boolean live = !json() && System.console() != null && !"dumb".equals(System.getenv("TERM"));
      Thread restore = new Thread(() -> {
        spec.commandLine().getOut().print(LiveView.END);
        spec.commandLine().getOut().flush();
      });
      if (live) {
        print(LiveView.START);
        Runtime.getRuntime().addShutdownHook(restore);
      }
      java.util.Map<String, String> announced = new java.util.HashMap<>();
      ReleaseStatus last;
      try {
        last = new ReleaseWatch(gantry, Duration.ofMillis(500)).follow(releaseId, timeout,
            new ReleaseWatch.Listener() {
              private String shown;

              @Override
              public void onEntry(dev.gantry.workflows.api.TimelineEntry entry) {
                if (!json() && !live) {
                  println(StatusView.line(entry));
                }
              }

              @Override
              public void onPoll(ReleaseStatus status) {
                if (live) {
                  TerminalSize size = TerminalSize.now();
                  String frame = LiveView.frame(status, size.columns, size.rows);
                  if (!frame.equals(shown)) {
                    print(frame);
                    shown = frame;
                  }
                } else if (!json()) {
                  announce(status, announced);
                }
              }
            });
      } finally {
        if (live) {
          print(LiveView.END);
          try {
            Runtime.getRuntime().removeShutdownHook(restore);
          } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
          }
        }
      }
      if (json()) {
        Output.json(spec.commandLine().getOut(), last);
      } else {
        println("");
        print(StatusView.render(last));
      }
      return last.state() == ReleaseState.SUCCEEDED ? GantryCli.OK : GantryCli.FAILED;
    }
  }

  /** A command about one release. */
  abstract static class OnRelease extends Base {
    @Parameters(paramLabel = "RELEASE_ID", description = "release/<app>/<version> or <app>/<version>.")
    String releaseId;
  }

  @Command(name = "start", mixinStandardHelpOptions = true, description = "Start a release from a release spec (YAML).")
  static class Start extends Base {
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

  @Command(name = "status", mixinStandardHelpOptions = true, description = "Show where a release is: stage, environments, regions.")
  static class Status extends OnRelease {
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
          if (status.releaseId() != null && status.releaseId().startsWith("promotion/")) {
            List<GantryClient.Attempt> attempts = List.of();
            try {
              attempts = gantry.attempts(status.releaseId());
            } catch (RuntimeException unreadable) {
              // the status above stands on its own
            }
            if (attempts.size() > 1) {
              println("  attempts");
              attempts.forEach(attempt -> println("    " + Promote.describe(attempt)));
            }
          }
          if (timeline) {
            println("  timeline");
            status.timeline().forEach(entry -> println("    " + StatusView.line(entry)));
          }
        }
        return endedBadly(status) ? GantryCli.FAILED : GantryCli.OK;
      }
    }
  }

  @Command(name = "watch", mixinStandardHelpOptions = true, description = "Follow a release live until it ends (exit 1 if it fails).")
  static class Watch extends OnRelease {
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

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List releases, newest first, filtered by their search attributes.")
  static class ListReleases extends Base {
    @Option(names = "--application", description = "Only this application.")
    String application;

    @Option(names = "--environment", description = "Only releases last at this environment.")
    String environment;

    @Option(names = "--status", description = "RUNNING, AWAITING_APPROVAL, WAITING, SUCCEEDED, FAILED,"
        + " TERMINATED, TIMED_OUT or CANCELED (a closed release by Temporal's own word).")
    String status;

    @Option(names = "--limit", defaultValue = "20", description = "At most this many (default ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
      try (GantryClient gantry = connection.connect()) {
        var releases = gantry.list(application, environment, status, limit);
        if (json()) {
          Output.json(spec.commandLine().getOut(), releases);
          return GantryCli.OK;
        }
        if (releases.isEmpty()) {
          println("no releases match");
          return GantryCli.OK;
        }
        println(String.format("%-40s %-18s %-22s %-12s %s", "RELEASE", "STATUS", "STAGE", "ENVIRONMENT",
            "STARTED"));
        for (var release : releases) {
          println(String.format("%-40s %-18s %-22s %-12s %s", release.releaseId(), dash(release.status()),
              dash(release.stage()), dash(release.environment()), release.startedAt()));
        }
        return GantryCli.OK;
      }
    }

    private static String dash(String value) {
      return value == null ? "-" : value;
    }
  }

  @Command(name = "approve", mixinStandardHelpOptions = true, description = "Approve the open gate of a release (the submitApproval update).")
  static class Approve extends OnRelease {
    @Option(names = "--as", required = true, paramLabel = "APPROVER", description = "Who approves.")
    String approver;

    @Option(names = "--comment", description = "Why; kept in the release report.")
    String comment;

    @Option(names = "--digest", description = "The artifact digest you approve (default: the one the"
        + " release deploys, printed back to you).")
    String digest;

    @Option(names = "--environment", description = "The environment approved (default: the open gate).")
    String environment;

    @Option(names = "--key", paramLabel = "PKCS8_PEM",
        description = "Same as --signing-key (kept for scripts written before signed actors).")
    Path key;

    @Override
    public Integer call() throws Exception {
      if (key != null) {
        connection.signingKey = key;
      }
      try (GantryClient gantry = connection.connect()) {
        String id = GantryClient.normalize(releaseId);
        // The status only fills in what was not given: a release whose status cannot be read (one flooded
        // before the message limits) can still be approved with --digest (and --environment when signing).
        String approved = digest != null ? digest : gantry.status(id).artifactDigest();
        // the client signs with the profile's key (signingKey, --signing-key, GANTRY_SIGNING_KEY)
        GateDecision decision = gantry.approve(id, new ApprovalSignal(approver, comment, environment, approved,
            null, null, null));
        report(decision, "approval by " + approver + " of " + approved + " accepted for "
            + decision.environment() + " (" + decision.detail() + ")");
        return GantryCli.OK;
      }
    }
  }

  @Command(name = "reject", mixinStandardHelpOptions = true, description = "Reject the open gate of a release: it stops with your reason.")
  static class Reject extends OnRelease {
    @Option(names = "--as", required = true, paramLabel = "APPROVER", description = "Who rejects.")
    String approver;

    @Option(names = "--reason", required = true, description = "Why; becomes the release's failure reason.")
    String reason;

    @Option(names = "--environment", description = "The environment rejected (default: the open gate).")
    String environment;

    @Option(names = "--key", paramLabel = "PKCS8_PEM",
        description = "Same as --signing-key (kept for scripts written before signed actors).")
    Path key;

    @Override
    public Integer call() throws Exception {
      if (key != null) {
        connection.signingKey = key;
      }
      try (GantryClient gantry = connection.connect()) {
        String id = GantryClient.normalize(releaseId);
        GateDecision decision = gantry.reject(id, new RejectionSignal(approver, reason, environment, null, null));
        report(decision, "rejection by " + approver + " accepted for " + decision.environment() + ": "
            + decision.detail());
        return GantryCli.OK;
      }
    }
  }

  @Command(name = "override", mixinStandardHelpOptions = true, description = "Emergency: skip the window, quality or cab gate of an"
      + " environment (members of the emergency group only; recorded and reviewed).")
  static class OverrideGate extends OnRelease {
    @Option(names = "--as", required = true, paramLabel = "APPROVER", description = "Who overrides.")
    String approver;

    @Option(names = "--gate", required = true, description = "window, quality or cab.")
    String gate;

    @Option(names = "--justification", required = true, description = "Why the gate must be skipped.")
    String justification;

    @Option(names = "--incident", required = true, description = "The incident reference, e.g. INC-4711.")
    String incident;

    @Option(names = "--environment", description = "The environment (default: where the release is).")
    String environment;

    @Override
    public Integer call() {
      try (GantryClient gantry = connection.connect()) {
        GateDecision decision = gantry.override(releaseId,
            new OverrideSignal(approver, gate, justification, incident, environment, null));
        report(decision, "override accepted: " + decision.detail());
        return GantryCli.OK;
      }
    }
  }

  @Command(name = "abort", mixinStandardHelpOptions = true, description = "Stop a release where it is:"
      + " a region being deployed is undone, open changes are closed, the release ends FAILED.")
  static class Abort extends OnRelease {
    @Option(names = "--reason", required = true, description = "Why; kept in the audit trail, the release's"
        + " failure and the workflow's history.")
    String reason;

    @Option(names = "--as", paramLabel = "NAME", description = "Who you are (default: $USER); with a signing key"
        + " the abort is a signed message (what a signed release requires), else a cancel.")
    String by;

    @Override
    public Integer call() {
      try (GantryClient gantry = connection.connect()) {
        String id = GantryClient.normalize(releaseId);
        gantry.abort(id, reason, by != null ? by : System.getenv().getOrDefault("USER", "unknown"));
        if (json()) {
          Output.json(spec.commandLine().getOut(), Map.of("releaseId", id, "aborted", true, "reason", reason));
        } else {
          println("abort requested for " + id + ": " + reason + "; follow it with `gantry release watch " + id + "`");
        }
        return GantryCli.OK;
      }
    }
  }

  @Command(name = "report", mixinStandardHelpOptions = true,
      description = {"The release report: environments, gates, overrides, approvals (with their times) and the"
          + " whole timeline, from Temporal.",
          "With --offline: the report from three files, no Temporal, no worker: the exported history"
              + " (`temporal workflow show --workflow-id ID --output json`), the audit trail and the signature"
              + " log, each checked against the others. Exit 0 when they agree, 1 when they disagree (each"
              + " disagreement is listed), 2 for a usage error or a file that cannot be read."})
  static class Report extends Base {
    @Parameters(arity = "0..1", paramLabel = "RELEASE_ID", description = "release/<app>/<version> or <app>/<version>;"
        + " with --offline optional: the history must be this release's.")
    String releaseId;

    @Option(names = "--offline", description = "Read the three files instead of asking Temporal.")
    boolean offline;

    @Option(names = "--history", paramLabel = "H.json",
        description = "With --offline: the history `temporal workflow show --workflow-id ID --output json` exported.")
    Path history;

    @Option(names = "--audit", paramLabel = "TRAIL.jsonl",
        description = "With --offline: the worker's audit trail (gantry.audit.path, default .gantry/audit/audit.jsonl).")
    Path auditTrail;

    @Option(names = "--signatures", paramLabel = "SIGLOG",
        description = "With --offline: the worker's signature log (gantry.audit.signatures-path, default"
            + " .gantry/audit/signatures.jsonl).")
    Path signatureLog;

    @Override
    public Integer call() {
      if (offline) {
        return offline();
      }
      if (history != null || auditTrail != null || signatureLog != null) {
        throw new IllegalArgumentException("--history, --audit and --signatures go with --offline");
      }
      if (releaseId == null) {
        throw new IllegalArgumentException("name the release: gantry release report RELEASE_ID (or --offline"
            + " --history H.json --audit TRAIL.jsonl --signatures SIGLOG)");
      }
      try (GantryClient gantry = connection.connect()) {
        ReleaseStatus status = gantry.status(releaseId);
        var verifications = gantry.regionVerifications(status);
        if (json()) {
          var tree = new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(status);
          ((com.fasterxml.jackson.databind.node.ObjectNode) tree).set("regionVerifications",
              new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(verifications));
          Output.json(spec.commandLine().getOut(), tree);
        } else {
          print(StatusView.render(status));
          if (!verifications.isEmpty()) {
            println("  region signature checks (from each region's history)");
            verifications.forEach(check -> println(String.format("      %-24s %-12s %s", check.environment() + "/"
                + check.region(), check.outcome(), (check.at() == null ? "" : check.at() + " ")
                + (check.keyId() == null ? "" : "key " + check.keyId() + " ")
                + ("fail".equals(check.outcome()) || "unknown".equals(check.outcome()) ? check.detail() : ""))));
          }
          println("  timeline");
          status.timeline().forEach(entry -> println("    " + StatusView.line(entry)));
        }
        return endedBadly(status) ? GantryCli.FAILED : GantryCli.OK;
      }
    }

    private int offline() {
      if (history == null || auditTrail == null || signatureLog == null) {
        throw new IllegalArgumentException("--offline needs all three files: --history H.json (temporal workflow show"
            + " --workflow-id ID --output json) --audit TRAIL.jsonl --signatures SIGLOG");
      }
      OfflineReport.Report report = OfflineReport.build(history, auditTrail, signatureLog,
          releaseId == null ? null : GantryClient.normalize(releaseId));
      if (json()) {
        Output.json(spec.commandLine().getOut(), report);
      } else {
        print(OfflineReportView.render(report));
      }
      return report.consistent() ? GantryCli.OK : GantryCli.FAILED;
    }
  }

  abstract static class PauseOrResume extends OnRelease {
    @Option(names = "--as", paramLabel = "NAME", description = "Who you are (default: $USER).")
    String by;

    @Option(names = "--reason", required = true, description = "Why; kept in the timeline and audit trail.")
    String reason;

    abstract void send(GantryClient gantry, String id, PauseSignal signal);

    abstract String verb();

    @Override
    public Integer call() {
      try (GantryClient gantry = connection.connect()) {
        String id = GantryClient.normalize(releaseId);
        String who = by != null ? by : System.getenv().getOrDefault("USER", "unknown");
        send(gantry, id, new PauseSignal(who, reason));
        if (json()) {
          Output.json(spec.commandLine().getOut(), Map.of("releaseId", id, verb(), true));
        } else {
          println(verb() + " sent to " + id + " (" + reason + "); `gantry release status " + id + "` shows it");
        }
        return GantryCli.OK;
      }
    }
  }

  @Command(name = "pause", mixinStandardHelpOptions = true,
      description = "Hold a release before its next step: what runs finishes, nothing new starts.")
  static class Pause extends PauseOrResume {
    @Override
    void send(GantryClient gantry, String id, PauseSignal signal) {
      gantry.pause(id, signal);
    }

    @Override
    String verb() {
      return "paused";
    }
  }

  @Command(name = "resume", mixinStandardHelpOptions = true, description = "Let a paused release go on.")
  static class Resume extends PauseOrResume {
    @Override
    void send(GantryClient gantry, String id, PauseSignal signal) {
      gantry.resume(id, signal);
    }

    @Override
    String verb() {
      return "resumed";
    }
  }

  @Command(name = "rollback", mixinStandardHelpOptions = true, description = "Roll an environment back from"
      + " a release's version to what each region ran before it (later waves first, primary last).")
  static class Rollback extends OnRelease {
    @Option(names = "--environment", required = true, description = "The environment to roll back.")
    String environment;

    @Option(names = "--reason", required = true, description = "Why; kept in the audit trail.")
    String reason;

    @Option(names = "--as", paramLabel = "NAME", description = "Who you are (default: $USER).")
    String by;

    @Option(names = "--timeout", defaultValue = "PT30M", description = "How long to wait (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--token", paramLabel = "JWS", description = "A rollback token minted elsewhere"
        + " (`gantry approval-token --action rollback`); without it the CLI signs with your signing key, if any.")
    String token;

    @Override
    public Integer call() throws Exception {
      try (GantryClient gantry = connection.connect()) {
        String who = by != null ? by : System.getenv().getOrDefault("USER", "unknown");
        var result = gantry.rollback(releaseId, environment, who, reason, token, timeout);
        if (json()) {
          Output.json(spec.commandLine().getOut(), result);
        } else {
          println("rollback of " + GantryClient.normalize(releaseId) + " in " + environment + ":");
          result.regions().forEach(region -> println(String.format("  %-16s %-12s %s", region.region(),
              region.state(), region.detail())));
          if (result.recorded() != null) {
            println("  " + result.recorded());
          }
        }
        boolean failed = result.regions().stream()
            .anyMatch(region -> region.state() == dev.gantry.workflows.api.RegionState.FAILED);
        return failed ? GantryCli.FAILED : GantryCli.OK;
      }
    }
  }

  @Command(name = "promote", mixinStandardHelpOptions = true,
      description = "Promote a released version from one environment to the next: only from a healthy source"
          + " that runs exactly this artifact (same digest in every region); then the target's gates and deploy.")
  static class Promote extends Base {
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

    static String describe(GantryClient.Attempt attempt) {
      return "attempt " + attempt.number() + ": " + attempt.state() + " (run " + attempt.runId() + ", started "
          + attempt.startedAt() + (attempt.closedAt() == null ? "" : ", ended " + attempt.closedAt()) + ")"
          + (attempt.reason() == null ? "" : ": " + attempt.reason());
    }

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
          earlier.forEach(attempt -> println("  " + Promote.describe(attempt)));
          println("  follow:  gantry release watch " + id);
        }
        return waitForEnd ? follow(gantry, id, timeout) : GantryCli.OK;
      }
    }
  }

  /** The attempts of a promotion before the run just started (listed by the visibility store; may lag). */
  static List<GantryClient.Attempt> earlierAttempts(GantryClient gantry, String id) {
    try {
      return gantry.attempts(id).stream()
          .filter(attempt -> attempt.status() != io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING)
          .toList();
    } catch (RuntimeException unreadable) {
      return List.of();
    }
  }

  /** Ended, and not by succeeding: failed, terminated, timed out or cancelled. */
  static boolean endedBadly(ReleaseStatus status) {
    return status.state().isFinal() && status.state() != ReleaseState.SUCCEEDED;
  }

  static String openGate(ReleaseStatus status) {
    String stage = status.stage();
    return stage != null && stage.startsWith("approval:") ? stage.substring("approval:".length()) : null;
  }
}
