package dev.gantry.starter.report;

import static dev.gantry.starter.report.ReportText.clean;
import static dev.gantry.starter.report.ReportText.shown;
import static dev.gantry.starter.report.ReportText.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.starter.report.OfflineReport.Approval;
import dev.gantry.starter.report.OfflineReport.Override;
import dev.gantry.workflows.api.input.MessageLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What people sent the release: each approval and override message in the history against the audit trail's
 * lines of the run and against the history's own report.
 */
final class MessageChecks {
  private MessageChecks() {}

  static List<Approval> approvals(ReleaseHistory h, AuditLines audit, String digest, Findings findings) {
    List<JsonNode> reported = new ArrayList<>();
    h.result.path("approvals").forEach(reported::add);
    List<JsonNode> trailLines = audit.ofRun.stream().filter(line -> "approval".equals(text(line, "kind"))).toList();
    List<JsonNode> unmatchedTrail = new ArrayList<>(trailLines.stream()
        .filter(line -> "accepted".equals(text(line, "outcome"))).toList());
    List<Approval> approvals = new ArrayList<>();
    for (ReleaseHistory.Message message : h.approvals) {
      String approver = text(message.body(), "approver");
      String environment = text(message.outcome(), "environment");
      Boolean accepted = message.outcome().has("accepted") ? message.outcome().path("accepted").asBoolean() : null;
      JsonNode match = null;
      for (JsonNode entry : reported) {
        if (Objects.equals(approver, text(entry, "approver"))) {
          match = entry;
          break;
        }
      }
      if (match != null) {
        reported.remove(match);
        if (environment == null) {
          environment = text(match, "environment");
        }
        if (accepted == null) {
          accepted = match.path("accepted").asBoolean();
        }
      }
      if (environment == null) {
        environment = text(message.body(), "environment");
      }
      JsonNode inTrail = null;
      for (JsonNode line : Boolean.FALSE.equals(accepted) ? List.<JsonNode>of() : unmatchedTrail) {
        if (Objects.equals(approver, text(line, "actor"))
            && (environment == null || Objects.equals(environment, text(line, "environment")))) {
          inTrail = line;
          break;
        }
      }
      if (inTrail != null) {
        unmatchedTrail.remove(inTrail);
        if (environment == null) {
          environment = text(inTrail, "environment");
        }
        if (accepted == null) {
          accepted = true; // a signal's acceptance is in the workflow's state; the trail recorded it
        }
      }
      if (Boolean.TRUE.equals(accepted)) {
        if (inTrail == null) {
          findings.add("approval by " + shown(approver) + (environment == null ? "" : " in " + shown(environment))
              + ": in the history (" + message.via() + " at " + message.at() + ", event " + message.eventId()
              + "), not in the audit trail");
        }
        String comment = MessageLimits.cut(text(message.body(), "comment"), MessageLimits.TEXT);
        if (inTrail != null && !Objects.equals(comment, text(inTrail, "detail"))
            && !(comment == null && text(inTrail, "detail") == null)) {
          findings.add("approval by " + shown(approver) + ": the history's message says " + shown(comment)
              + ", the audit trail says " + shown(text(inTrail, "detail")));
        }
        String approved = text(message.body(), "digest");
        if (approved != null && !approved.equals(digest)) {
          findings.add("approval by " + shown(approver) + ": it approved " + shown(approved) + ", the release's"
              + " artifact is " + shown(digest));
        }
      }
      approvals.add(new Approval(clean(environment), clean(approver), message.at(), message.via(),
          clean(message.clientIdentity()), message.body().hasNonNull("token"), accepted,
          clean(text(message.body(), "comment")), inTrail == null ? null : clean(text(inTrail, "at"))));
    }
    for (JsonNode entry : reported) {
      if (entry.path("accepted").asBoolean()) {
        findings.add("approval by " + shown(text(entry, "approver")) + " in " + shown(text(entry, "environment"))
            + ": in the history's report, but no approve signal or update of the history carries it");
      }
    }
    for (JsonNode line : unmatchedTrail) {
      findings.add("approval by " + shown(text(line, "actor")) + " in " + shown(text(line, "environment"))
          + ": in the audit trail (at " + clean(text(line, "at")) + "), but no approve signal or update of the"
          + " history carries it");
    }
    return approvals;
  }

  static List<Override> overrides(ReleaseHistory h, AuditLines audit, Findings findings) {
    List<JsonNode> reported = new ArrayList<>();
    h.result.path("overrides").forEach(reported::add);
    List<JsonNode> unmatchedTrail = new ArrayList<>(audit.ofRun.stream()
        .filter(line -> "override".equals(text(line, "kind")) && "accepted".equals(text(line, "outcome"))).toList());
    List<Override> overrides = new ArrayList<>();
    for (ReleaseHistory.Message message : h.overrides) {
      String approver = text(message.body(), "approver");
      String gate = text(message.body(), "gate");
      String incident = text(message.body(), "incident");
      String environment = text(message.outcome(), "environment");
      Boolean accepted = message.outcome().has("accepted") ? message.outcome().path("accepted").asBoolean() : null;
      for (JsonNode entry : reported) {
        if (Objects.equals(approver, text(entry, "approver")) && Objects.equals(incident, text(entry, "incident"))) {
          reported.remove(entry);
          environment = environment == null ? text(entry, "environment") : environment;
          accepted = accepted == null ? entry.path("accepted").asBoolean() : accepted;
          break;
        }
      }
      JsonNode inTrail = null;
      for (JsonNode line : Boolean.FALSE.equals(accepted) ? List.<JsonNode>of() : unmatchedTrail) {
        String detail = String.valueOf(text(line, "detail"));
        if (Objects.equals(approver, text(line, "actor")) && gate != null
            && detail.startsWith(gate.trim() + " gate, incident " + (incident == null ? "" : incident.trim()))) {
          inTrail = line;
          break;
        }
      }
      if (inTrail != null) {
        unmatchedTrail.remove(inTrail);
        environment = environment == null ? text(inTrail, "environment") : environment;
        accepted = accepted == null ? Boolean.TRUE : accepted;
      }
      if (Boolean.TRUE.equals(accepted) && inTrail == null) {
        findings.add("override of the " + shown(gate) + " gate by " + shown(approver) + ": in the history ("
            + message.via() + " at " + message.at() + ", event " + message.eventId() + "), not in the audit trail");
      }
      overrides.add(new Override(clean(environment), clean(gate), clean(approver),
          clean(text(message.body(), "justification")), clean(incident), message.at(), message.via(),
          clean(message.clientIdentity()), accepted));
    }
    for (JsonNode entry : reported) {
      if (entry.path("accepted").asBoolean()) {
        findings.add("override by " + shown(text(entry, "approver")) + " in " + shown(text(entry, "environment"))
            + ": in the history's report, but no override signal or update of the history carries it");
      }
    }
    for (JsonNode line : unmatchedTrail) {
      findings.add("override by " + shown(text(line, "actor")) + " in " + shown(text(line, "environment"))
          + ": in the audit trail, but no override signal or update of the history carries it");
    }
    return overrides;
  }
}
