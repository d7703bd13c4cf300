package dev.gantry.starter.client;

import dev.gantry.workflows.api.signing.SignatureRef;

import dev.gantry.workflows.api.Approval;
import dev.gantry.workflows.api.EnvironmentStatus;
import dev.gantry.workflows.api.GateCheck;
import dev.gantry.workflows.api.GateOverride;
import dev.gantry.workflows.api.RegionStatus;
import dev.gantry.workflows.api.ReleaseStatus;
import dev.gantry.workflows.api.TimelineEntry;

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
    for (EnvironmentStatus env : status.environments()) {
      out.append(String.format("  %-14s %s%n", env.environment(), env.state()));
      if (env.waitingFor() != null) {
        out.append("      waiting for ").append(env.waitingFor()).append('\n');
      }
      for (RegionStatus region : env.regions()) {
        out.append(String.format("      %-16s %-12s %s%n", region.region(), region.state(),
            region.detail() == null ? "" : region.detail()));
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

  private static String dash(String value) {
    return value == null ? "-" : value;
  }

  private static String nullToEmpty(String value) {
    return value == null ? "" : value;
  }
}
