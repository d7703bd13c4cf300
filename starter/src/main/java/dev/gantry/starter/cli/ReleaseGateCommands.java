package dev.gantry.starter.cli;

import dev.gantry.starter.client.GantryClient;
import dev.gantry.workflows.api.approval.ApprovalSignal;
import dev.gantry.workflows.api.approval.GateDecision;
import dev.gantry.workflows.api.approval.OverrideSignal;
import dev.gantry.workflows.api.approval.RejectionSignal;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gantry release approve}, {@code reject} and {@code override}: a person's word on a gate. */
final class ReleaseGateCommands {
  private ReleaseGateCommands() {}

  /** {@code --key}: the signing key ({@code --signing-key}) under the name it had before signed actors. */
  static class KeyAlias {
    @Option(names = "--key", paramLabel = "PKCS8_PEM",
        description = "Same as --signing-key (kept for scripts written before signed actors).")
    Path key;

    void applyTo(ConnectionOptions connection) {
      if (key != null) {
        connection.signingKey = key;
      }
    }
  }

  @Command(name = "approve", mixinStandardHelpOptions = true, description = "Approve the open gate of a release (the submitApproval update).")
  static class Approve extends ReleaseCommand.OnRelease {
    @Option(names = "--as", required = true, paramLabel = "APPROVER", description = "Who approves.")
    String approver;

    @Option(names = "--comment", description = "Why; kept in the release report.")
    String comment;

    @Option(names = "--digest", description = "The artifact digest you approve (default: the one the"
        + " release deploys, printed back to you).")
    String digest;

    @Option(names = "--environment", description = "The environment approved (default: the open gate).")
    String environment;

    @Mixin KeyAlias key;

    @Override
    public Integer call() throws Exception {
      key.applyTo(connection);
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
  static class Reject extends ReleaseCommand.OnRelease {
    @Option(names = "--as", required = true, paramLabel = "APPROVER", description = "Who rejects.")
    String approver;

    @Option(names = "--reason", required = true, description = "Why; becomes the release's failure reason.")
    String reason;

    @Option(names = "--environment", description = "The environment rejected (default: the open gate).")
    String environment;

    @Mixin KeyAlias key;

    @Override
    public Integer call() throws Exception {
      key.applyTo(connection);
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
  static class OverrideGate extends ReleaseCommand.OnRelease {
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
}
