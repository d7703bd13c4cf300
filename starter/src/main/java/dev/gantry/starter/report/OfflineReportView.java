package dev.gantry.starter.report;

import java.util.List;

/** The offline report as text for people: the release, then each finding. */
public final class OfflineReportView {
  private OfflineReportView() {}

  public static String render(OfflineReport.Report report) {
    StringBuilder out = new StringBuilder();
    line(out, report.releaseId() + "  " + (report.outcome().state() != null ? report.outcome().state()
        : report.outcome().history()) + "  (offline: run " + report.runId() + ")");
    line(out, "  artifact     " + report.artifactDigest());
    line(out, "  requested by " + report.requestedBy() + (report.policyDigest() == null ? ""
        : "; policy " + report.policyDigest()));
    OfflineReport.Signer signer = report.signer();
    if (signer == null) {
      line(out, "  signer       none: this release signed nothing");
    } else {
      line(out, "  signer       key " + signer.keyId() + (signer.trustedKey() == null ? "" : " ('" + signer.trustedKey()
          + "')") + (signer.signedAt() == null ? "" : ", signed " + signer.signedAt())
          + (signer.requestedBy() == null ? "" : " for " + signer.requestedBy()));
    }
    for (OfflineReport.Attestation attestation : report.attestations()) {
      line(out, "  attestation  " + attestation.predicateType() + " by key " + attestation.keyId());
    }
    if (!report.gates().isEmpty()) {
      line(out, "  gates");
      for (OfflineReport.Gate gate : report.gates()) {
        line(out, String.format("    %-12s %-10s %-10s %s  %s", gate.environment(), gate.gate(), gate.outcome(),
            gate.at(), nullToEmpty(gate.detail())));
      }
    }
    if (!report.approvals().isEmpty()) {
      line(out, "  approvals");
      for (OfflineReport.Approval approval : report.approvals()) {
        line(out, String.format("    %-12s %-10s %-9s %s by %s (client %s%s)%s", approval.environment(),
            approval.approver(), approval.accepted() == null ? "?" : approval.accepted() ? "accepted" : "REFUSED",
            approval.at(), approval.via(), approval.clientIdentity(), approval.signed() ? ", signed token" : "",
            approval.comment() == null || approval.comment().isBlank() ? "" : ": " + approval.comment()));
      }
    }
    if (!report.overrides().isEmpty()) {
      line(out, "  emergency overrides");
      for (OfflineReport.Override override : report.overrides()) {
        line(out, String.format("    %-12s %-10s %-10s %-9s %s by %s, incident %s: %s", override.environment(),
            override.gate(), override.approver(), override.accepted() == null ? "?"
                : override.accepted() ? "accepted" : "REFUSED", override.at(), override.via(), override.incident(),
            override.justification()));
      }
    }
    if (!report.regions().isEmpty()) {
      line(out, "  regions                     signature          deploy");
      for (OfflineReport.Region region : report.regions()) {
        line(out, String.format("    %-24s %-18s %s%s", region.environment() + "/" + region.region(),
            region.verification() + (region.verifiedAt() == null ? "" : " " + shortTime(region.verifiedAt())),
            region.deploy(), region.state() == null ? "" : " (now " + region.state() + ")"));
      }
    }
    line(out, "  outcome      history " + report.outcome().history() + ", audit trail "
        + (report.outcome().trail() == null ? "(no release line)" : report.outcome().trail())
        + (report.outcome().failureReason() == null ? "" : "; " + report.outcome().failureReason()));
    chain(out, "audit trail", report.chains().auditTrail());
    chain(out, "signature log", report.chains().signatureLog());
    if (report.consistent()) {
      line(out, "consistent: the history, the audit trail and the signature log agree");
    } else {
      List<String> disagreements = report.disagreements();
      line(out, "DISAGREEMENTS (" + (disagreements.size() + report.disagreementsNotShown()) + "):");
      disagreements.forEach(finding -> line(out, "  - " + finding));
      if (report.disagreementsNotShown() > 0) {
        line(out, "  ... and " + report.disagreementsNotShown() + " more");
      }
    }
    return out.toString();
  }

  private static void chain(StringBuilder out, String name, OfflineReport.Chain chain) {
    line(out, String.format("  %-13s ", name) + (chain.intact() ? "chain intact" : "CHAIN BROKEN") + " (" + chain.lines()
        + " lines, " + chain.linesOfThisRelease() + " of this release)");
  }

  private static String shortTime(String at) {
    return at.length() > 19 ? at.substring(11, 19) : at;
  }

  private static String nullToEmpty(String text) {
    return text == null ? "" : text;
  }

  private static void line(StringBuilder out, String text) {
    out.append(text).append(System.lineSeparator());
  }
}
