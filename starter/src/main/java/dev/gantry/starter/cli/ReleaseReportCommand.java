package dev.gantry.starter.cli;

import dev.gantry.starter.client.GantryClient;
import dev.gantry.starter.client.StatusView;
import dev.gantry.starter.report.OfflineReport;
import dev.gantry.starter.report.OfflineReportView;
import dev.gantry.workflows.api.release.ReleaseStatus;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gantry release report}: from Temporal, or offline from the history, the audit trail and the signature log. */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = {"The release report: environments, gates, overrides, approvals (with their times) and the"
        + " whole timeline, from Temporal.",
        "With --offline: the report from three files, no Temporal, no worker: the exported history"
            + " (`temporal workflow show --workflow-id ID --output json`), the audit trail and the signature"
            + " log, each checked against the others. Exit 0 when they agree, 1 when they disagree (each"
            + " disagreement is listed), 2 for a usage error or a file that cannot be read."})
class ReleaseReportCommand extends ReleaseCommand.Base {
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
      return ReleaseCommand.endedBadly(status) ? GantryCli.FAILED : GantryCli.OK;
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
