package dev.gantry.starter.client;

import dev.gantry.workflows.api.signing.SignatureRef;

import dev.gantry.workflows.api.approval.Approval;
import dev.gantry.workflows.api.release.EnvironmentStatus;
import dev.gantry.workflows.api.release.GateCheck;
import dev.gantry.workflows.api.approval.GateOverride;
import dev.gantry.workflows.api.input.MessageLimits;
import dev.gantry.workflows.api.release.Omissions;
import dev.gantry.workflows.api.deploy.RegionStatus;
import dev.gantry.workflows.api.release.ReleaseStatus;
import dev.gantry.workflows.api.release.TimelineEntry;
import dev.gantry.workflows.api.rollout.RolloutStatus;

/**
 * Plain-text renderings of a release for terminals and logs. Every text that came from a release is
 * printed through {@link #text}: one line, cut, so that a name or comment recorded before the release held
 * messages to their limits can neither forge a line nor drive the terminal with escapes.
 */
public final class StatusView {
  /** The longest text printed from a release: a timeline line is at most 1,200 characters. */
  static final int TEXT_CHARS = 1_200;

  private StatusView() {}

  public static String line(TimelineEntry entry) {
    String time = entry.at().length() >= 19 ? entry.at().substring(11, 19) : entry.at();
    String where = entry.environment() == null ? "release"
        : entry.region() == null ? entry.environment() : entry.environment() + "/" + entry.region();
    return String.format("%s  %-28s %s", text(time), text(where), text(entry.event()));
  }

  /** A text from a release as a terminal may show it: on one line, escapes replaced, cut. */
  public static String text(String value) {
    return value == null ? "-" : MessageLimits.cut(value, TEXT_CHARS);
  }

  /** The whole picture: header, one block per environment with its regions, approvals, failure. */
  public static String render(ReleaseStatus status) {
    StringBuilder out = new StringBuilder();
    out.append(status.releaseId()).append("  ").append(status.state()).append(" (")
        .append(text(status.stage())).append(")\n");
    out.append("  artifact ").append(text(status.artifactDigest())).append(", requested by ")
        .append(text(status.requestedBy())).append(", started ").append(status.startedAt());
    if (status.finishedAt() != null) {
      out.append(", finished ").append(status.finishedAt());
    }
    out.append('\n');
    if (status.policy() != null) {
      out.append("  policy ").append(status.policy().summary()).append(" at ").append(status.policy().path())
          .append('\n');
    }
    if (status.auditHead() != null) {
      // what `gantry audit verify --history` compares: the trail's line and hash after the release's last record
      out.append("  audit ").append(text(status.auditHead().trail())).append(" line ")
          .append(status.auditHead().sequence()).append(" hash ").append(text(status.auditHead().hash()))
          .append('\n');
    }
    for (EnvironmentStatus env : status.environments()) {
      out.append(String.format("  %-14s %s%n", env.environment(), env.state()));
      if (env.waitingFor() != null) {
        out.append("      waiting for ").append(text(env.waitingFor())).append('\n');
      }
      for (RegionStatus region : env.regions()) {
        out.append(String.format("      %-16s %-12s %s%n", region.region(), region.state(),
            regionDetail(region)));
      }
    }
    if (status.signatures() != null && !status.signatures().isEmpty()) {
      out.append("  signatures\n");
      for (SignatureRef signature : status.signatures()) {
        out.append(String.format("      %-11s %-32s key %s%n          %s%n", signature.kind(),
            signature.predicateType() == null ? "" : signature.predicateType(), signature.keyId(),
            signature.location()));
      }
    }
    if (status.gates() != null && !status.gates().isEmpty()) {
      out.append("  gates\n");
      for (GateCheck gate : status.gates()) {
        out.append(String.format("      %-12s %-9s %-11s %s%n", gate.environment(), gate.gate(),
            gate.outcome(), text(gate.detail())));
      }
    }
    if (status.overrides() != null && !status.overrides().isEmpty()) {
      out.append("  emergency overrides\n");
      for (GateOverride override : status.overrides()) {
        out.append(String.format("      %-10s %-9s %-24s %s%n", text(override.approver()),
            override.accepted() ? "accepted" : "REFUSED", text(override.at()),
            text((override.environment() == null ? "" : override.environment() + " " + override.gate() + ": ")
                + (override.accepted() ? override.justification() + " (" + override.incident() + ")"
                    : override.reason()))));
      }
    }
    if (!status.approvals().isEmpty()) {
      out.append("  approvals\n");
      for (Approval approval : status.approvals()) {
        out.append(String.format("      %-10s %-9s %-24s %s%n", text(approval.approver()),
            approval.accepted() ? "accepted" : "REFUSED", text(approval.at()),
            text((approval.environment() == null ? "" : approval.environment() + ": ")
                + (approval.accepted() ? nullToEmpty(approval.comment()) : approval.reason()))));
      }
    }
    String leftOut = leftOut(status.omitted());
    if (leftOut != null) {
      out.append("  ").append(leftOut).append('\n');
    }
    if (status.failureReason() != null) {
      out.append("  failure: ").append(text(status.failureReason())).append('\n');
    }
    return out.toString();
  }

  /**
   * What the status left out to stay bounded, and how many messages the release refused, in a line; null
   * when it refused nothing and left nothing out.
   */
  static String leftOut(Omissions omitted) {
    if (omitted == null || (omitted.nothingLeftOut() && omitted.refusedMessages() == 0)) {
      return null;
    }
    java.util.List<String> parts = new java.util.ArrayList<>();
    if (omitted.timelineLines() > 0) {
      parts.add(omitted.timelineLines() + " older timeline lines");
    }
    if (omitted.refusedApprovals() > 0) {
      parts.add(omitted.refusedApprovals() + " older refused approvals");
    }
    if (omitted.refusedOverrides() > 0) {
      parts.add(omitted.refusedOverrides() + " older refused overrides");
    }
    String refused = omitted.refusedMessages() + " message(s) refused in all";
    return parts.isEmpty() ? refused
        : refused + "; not shown: " + String.join(", ", parts) + " (the audit trail has every message)";
  }

  /** {@code CANARY 25% (step 2/4) analysis pass, next step 14:05}, or the region's detail without a rollout. */
  public static String regionDetail(RegionStatus region) {
    RolloutStatus r = region.rollout();
    if (r == null) {
      return region.detail() == null ? "" : text(region.detail());
    }
    StringBuilder shown = new StringBuilder(r.strategy().toUpperCase(java.util.Locale.ROOT)).append(' ')
        .append(r.weight()).append("% (").append(r.step() == 0 ? "dark" : "step " + r.step() + "/" + r.steps())
        .append(") ").append(r.phase());
    if (r.lastAnalysis() != null) {
      shown.append(", analysis ").append(text(r.lastAnalysis()));
    }
    if (r.nextStepAt() != null && r.nextStepAt().length() >= 16) {
      shown.append(", ").append(r.waitingFor() != null ? "deadline " : "next ").append(r.nextStepAt(), 11, 16)
          .append(" UTC");
    }
    if (r.waitingFor() != null) {
      shown.append("\n").append(" ".repeat(24)).append("waiting: ").append(text(r.waitingFor()));
    }
    if (r.lastCommand() != null) {
      shown.append("\n").append(" ".repeat(24)).append("last command: ").append(text(r.lastCommand()));
    }
    return shown.toString();
  }

  private static String nullToEmpty(String value) {
    return value == null ? "" : value;
  }
}
