package dev.gantry.starter.client;

import dev.gantry.workflows.api.approval.ActorTokens;
import dev.gantry.workflows.api.approval.ApprovalSignal;
import dev.gantry.workflows.api.approval.GateDecision;
import dev.gantry.workflows.api.approval.OverrideSignal;
import dev.gantry.workflows.api.approval.RejectionSignal;
import dev.gantry.workflows.api.release.EnvironmentState;
import dev.gantry.workflows.api.release.EnvironmentStatus;
import dev.gantry.workflows.api.release.PauseSignal;
import dev.gantry.workflows.api.release.ReleaseStatus;
import dev.gantry.workflows.api.temporal.TaskQueues;
import dev.gantry.workflows.release.Aborts;
import dev.gantry.workflows.release.FailureReasons;
import dev.gantry.workflows.release.ReleaseWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowUpdateException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What people send a running release: approvals, rejections and overrides (updates, refused at once when
 * they may not), pause, resume and abort (signals, or a cancel). Each is signed for the release and the
 * environment it concerns when the client signs and the message carries no token yet.
 */
final class ReleaseMessages {
  private final WorkflowClient client;
  private final ReleaseCalls calls;
  private final ReleaseStatuses statuses;

  ReleaseMessages(WorkflowClient client, ReleaseCalls calls, ReleaseStatuses statuses) {
    this.client = client;
    this.calls = calls;
    this.statuses = statuses;
  }

  /** The {@code submitApproval} update; a null digest is the one the release deploys, read from its status. */
  GateDecision approve(String id, ApprovalSignal approval, ActorSigner signer) {
    boolean signs = signer != null && approval.token() == null;
    ReleaseStatus status = approval.digest() == null || (signs && approval.environment() == null)
        ? statuses.status(id) : null;
    String digest = approval.digest() != null ? approval.digest() : status.artifactDigest();
    String token = !signs ? approval.token()
        : signer.sign(id, approval.environment() != null ? approval.environment() : openGate(status, id),
            normalizedDigest(digest), ActorTokens.APPROVE, null, approval.approver());
    ApprovalSignal named = new ApprovalSignal(approval.approver(), approval.comment(), approval.environment(),
        digest, approval.version(), token, null);
    return update(id, "approval", stub -> stub.submitApproval(named));
  }

  /** The {@code submitRejection} update. */
  GateDecision reject(String id, RejectionSignal rejection, ActorSigner signer) {
    RejectionSignal signed = rejection;
    if (signer != null && rejection.token() == null) {
      ReleaseStatus status = statuses.status(id);
      signed = new RejectionSignal(rejection.approver(), rejection.reason(), rejection.environment(),
          signer.sign(id, rejection.environment() != null ? rejection.environment() : openGate(status, id),
              status.artifactDigest(), ActorTokens.REJECT, null, rejection.approver()), null);
    }
    RejectionSignal sent = signed;
    return update(id, "rejection", stub -> stub.submitRejection(sent));
  }

  /** The {@code submitOverride} update. */
  GateDecision override(String id, OverrideSignal override, ActorSigner signer) {
    OverrideSignal signed = override;
    if (signer != null && override.token() == null) {
      ReleaseStatus status = statuses.status(id);
      String environment = override.environment() != null ? override.environment() : currentEnvironment(status);
      if (environment == null) {
        throw new GantryException("cannot tell which environment " + id + " is at: pass --environment");
      }
      signed = new OverrideSignal(override.approver(), override.gate(), override.justification(),
          override.incident(), environment, null, signer.sign(id, environment, status.artifactDigest(),
              ActorTokens.OVERRIDE, override.gate() == null ? null : override.gate().trim(), override.approver()));
    }
    OverrideSignal sent = signed;
    return update(id, "override", stub -> stub.submitOverride(sent));
  }

  void pause(String id, PauseSignal pause, ActorSigner signer) {
    PauseSignal sent = signed(id, pause, ActorTokens.PAUSE, signer);
    signal(id, "pause", stub -> stub.pause(sent));
  }

  void resume(String id, PauseSignal resume, ActorSigner signer) {
    PauseSignal sent = signed(id, resume, ActorTokens.RESUME, signer);
    signal(id, "resume", stub -> stub.resume(sent));
  }

  /** The signed {@code abort} message with a signer; without one, a cancel. */
  void abort(String id, String reason, String by, ActorSigner signer) {
    if (signer == null) {
      cancel(id, reason, by);
      return;
    }
    calls.running(id, "abort");
    PauseSignal sent = signed(id, new PauseSignal(by, reason), ActorTokens.ABORT, signer);
    signal(id, "abort", stub -> stub.abort(sent));
  }

  /**
   * Cancels the release with the reason and who asks (both go into its trail); a release that has already
   * ended is refused ({@link ReleaseClosedException}): Temporal would take the cancel and do nothing.
   */
  void cancel(String id, String reason, String by) {
    calls.running(id, "abort");
    calls.send(id, "abort", () -> client.newUntypedWorkflowStub(id).cancel(Aborts.reason(by, reason)));
  }

  private void signal(String id, String what, Consumer<ReleaseWorkflow> send) {
    calls.send(id, what, () -> send.accept(client.newWorkflowStub(ReleaseWorkflow.class, id)));
  }

  private GateDecision update(String id, String what, Function<ReleaseWorkflow, GateDecision> call) {
    calls.running(id, what);
    calls.requireWorker(TaskQueues.RELEASE, "the " + what + " of " + id);
    GateDecision decision = calls.onRelease(id, what, () -> {
      try {
        return call.apply(client.newWorkflowStub(ReleaseWorkflow.class, id));
      } catch (WorkflowUpdateException e) {
        throw new GateRefusedException(what, FailureReasons.of(e));
      }
    });
    if (!decision.accepted()) {
      throw new GateRefusedException(what, decision.detail());
    }
    return decision;
  }

  /** A pause, resume or abort signed for this release when the client signs. */
  private PauseSignal signed(String id, PauseSignal signal, String action, ActorSigner signer) {
    if (signer == null || signal.token() != null) {
      return signal;
    }
    return signal.withToken(signer.sign(id, null, statuses.status(id).artifactDigest(), action, null, signal.by()));
  }

  /** The environment whose approval gate is open, from the release's stage ({@code approval:<env>}). */
  private static String openGate(ReleaseStatus status, String id) {
    String stage = status.stage();
    if (stage != null && stage.startsWith("approval:")) {
      return stage.substring("approval:".length());
    }
    throw new GantryException("no approval gate of " + id + " is open now (stage " + stage + "): pass"
        + " --environment, or wait until `gantry release status " + id + "` shows it awaiting approval");
  }

  /** Where the release is: the environment of its stage ({@code <step>:<env>}), else the first not deployed. */
  private static String currentEnvironment(ReleaseStatus status) {
    String stage = status.stage();
    if (stage != null && stage.contains(":")) {
      return stage.substring(stage.indexOf(':') + 1);
    }
    return status.environments() == null ? null : status.environments().stream()
        .filter(env -> env.state() != EnvironmentState.DEPLOYED)
        .map(EnvironmentStatus::environment).findFirst().orElse(null);
  }

  private static String normalizedDigest(String digest) {
    String trimmed = digest.trim();
    return trimmed.startsWith("sha256:") ? trimmed : "sha256:" + trimmed;
  }
}
