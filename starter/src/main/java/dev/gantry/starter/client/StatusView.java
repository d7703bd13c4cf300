package dev.gantry.starter.client;

import dev.gantry.workflows.api.signing.SignatureRef;

import dev.gantry.workflows.api.Approval;
import dev.gantry.workflows.api.EnvironmentStatus;
import dev.gantry.workflows.api.GateCheck;
import dev.gantry.workflows.api.GateOverride;
import dev.gantry.workflows.api.RegionStatus;
import dev.gantry.workflows.api.ReleaseStatus;
import dev.gantry.workflows.api.TimelineEntry;
import dev.gantry.workflows.api.rollout.RolloutStatus;

/** Plain-text renderings of a release for terminals and logs. */
public final class StatusView {
  private StatusView() {}

  public static String line(TimelineEntry entry) {
    String time = entry.at().length() >= 19 ? entry.at().substring(11, 19) : entry.at();
    String where = entry.environment() == null ? "release"
        : entry.region() == null ? entry.environment() : entry.environment() + "/" + entry.region();
    return String.format("%s  %-28s %s", time, where, entry.event());
  }

  /** The whole picture: header, one block per environment with its regions, approvals, failure. */
  public static String render(ReleaseStatus status) {
    StringBuilder out = new StringBuilder();
    out.append(status.releaseId()).append("  ").append(status.state()).append(" (")
        .append(status.stage()).append(")\n");
    out.append("  artifact ").append(status.artifactDigest()).append(", requested by ")
        .append(status.requestedBy()).append(", started ").append(status.startedAt());
    if (status.finishedAt() != null) {
      out.append(", finished ").append(status.finishedAt());
    }
    out.append('\n');
    if (status.policy() != null) {
      out.append("  policy ").append(status.policy().summary()).append(" at ").append(status.policy().path())
          .append('\n');
    }
    for (EnvironmentStatus env : status.environments()) {
      out.append(String.format("  %-14s %s%n", env.environment(), env.state()));
      if (env.waitingFor() != null) {
        out.append("      waiting for ").append(env.waitingFor()).append('\n');
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
            gate.outcome(), gate.detail()));
      }
    }
    if (status.overrides() != null && !status.overrides().isEmpty()) {
      out.append("  emergency overrides\n");
      for (GateOverride override : status.overrides()) {
        out.append(String.format("      %-10s %-12s %s%n", dash(override.approver()),
            override.accepted() ? "accepted" : "REFUSED",
            (override.environment() == null ? "" : override.environment() + " " + override.gate() + ": ")
                + (override.accepted() ? override.justification() + " (" + override.incident() + ")"
                    : override.reason())));
      }
    }
    if (!status.approvals().isEmpty()) {
      out.append("  approvals\n");
      for (Approval approval : status.approvals()) {
        out.append(String.format("      %-10s %-12s %s%n", dash(approval.approver()),
            approval.accepted() ? "accepted" : "REFUSED",
            (approval.environment() == null ? "" : approval.environment() + ": ")
                + (approval.accepted() ? nullToEmpty(approval.comment()) : approval.reason())));
      }
    }
    if (status.failureReason() != null) {
      out.append("  failure: ").append(status.failureReason()).append('\n');
    }
    return out.toString();
  }

  /** {@code CANARY 25% (step 2/4) analysis pass, next step 14:05}, or the region's detail without a rollout. */
  public static String regionDetail(RegionStatus region) {
    RolloutStatus r = region.rollout();
    if (r == null) {
      return region.detail() == null ? "" : region.detail();
    }
    StringBuilder text = new StringBuilder(r.strategy().toUpperCase(java.util.Locale.ROOT)).append(' ')
        .append(r.weight()).append("% (").append(r.step() == 0 ? "dark" : "step " + r.step() + "/" + r.steps())
        .append(") ").append(r.phase());
    if (r.lastAnalysis() != null) {
      text.append(", analysis ").append(r.lastAnalysis());
    }
    if (r.nextStepAt() != null && r.nextStepAt().length() >= 16) {
      text.append(", ").append(r.waitingFor() != null ? "deadline " : "next ").append(r.nextStepAt(), 11, 16)
          .append(" UTC");
    }
    if (r.waitingFor() != null) {
      text.append("\n").append(" ".repeat(24)).append("waiting: ").append(r.waitingFor());
    }
    if (r.lastCommand() != null) {
      text.append("\n").append(" ".repeat(24)).append("last command: ").append(r.lastCommand());
    }
    return text.toString();
  }

  private static String dash(String value) {
    return value == null ? "-" : value;
  }

  private static String nullToEmpty(String value) {
    return value == null ? "" : value;
  }
}
