package dev.gantry.workflows.release;

import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.signing.SignRequest;
import dev.gantry.workflows.api.signing.SignatureRef;
import dev.gantry.workflows.api.signing.VerificationPolicy;
import dev.gantry.workflows.api.signing.VerificationResult;
import dev.gantry.workflows.api.signing.VerifyRequest;
import dev.gantry.workflows.api.temporal.Failures;
import dev.gantry.workflows.signing.SignatureGate;
import dev.gantry.workflows.support.VersionMarkers;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Workflow;
import java.util.List;

/**
 * Signing and the signature gate: right after the start the release signs and attests its artifact (when
 * its plan says how), and before each environment it verifies the signatures, failing closed. Releases
 * started before signature gates (their {@code Workflow.getVersion}) do neither. Workflow code.
 */
final class ReleaseSignatures {
  private final ReleaseRun run;
  /** The signing port; null in releases started before signature gates. */
  private SignatureGate signatures;

  ReleaseSignatures(ReleaseRun run) {
    this.run = run;
  }

  /** Asks whether this release signs and verifies at all (once, at the start of its path). */
  void start() {
    if (Workflow.getVersion(VersionMarkers.SIGNATURE_GATES, Workflow.DEFAULT_VERSION, 1) >= 1) {
      signatures = new SignatureGate();
      sign();
    }
  }

  /** True when the regions verify again right before their deploy step. */
  boolean verifying() {
    return signatures != null;
  }

  /** Right after the start: sign and attest, so that every later gate has something to verify. */
  private void sign() {
    ReleaseRequest request = run.plan();
    ReleaseProgress progress = run.progress();
    if (request.signing() == null) {
      progress.log(null, null, "this release signs nothing: each environment verifies the signatures that"
          + " came with the artifact");
      return;
    }
    progress.stage(ReleaseState.RUNNING, "signing");
    run.publish(null);
    progress.log(null, null, "signing " + request.artifact().digest() + " with " + request.signing().key());
    String signedAt = Workflow.getVersion(VersionMarkers.TRUSTED_SIGNING_TIME, Workflow.DEFAULT_VERSION, 1) >= 1
        ? ReleaseProgress.now() : null;
    List<SignatureRef> made = signatures.sign(new SignRequest(request.releaseId(), Workflow.getInfo().getRunId(),
        request.application(), request.version(), request.artifact(), request.signing(), request.requestedBy(),
        request.specSource(), progress.startedAt(), signedAt));
    progress.signed(made);
    String summary = SignatureGate.summary(made);
    progress.log(null, null, "signed: " + summary);
    run.audit("signing", null, null, "signed", summary);
  }

  /**
   * The fail-closed verification gate before an environment: no policy, no signature, an untrusted or
   * revoked key, a wrong digest or a missing attestation stops the release before any gate or deploy.
   */
  void verify(EnvironmentPlan env) {
    if (signatures == null) {
      return;
    }
    ReleaseProgress progress = run.progress();
    VerificationPolicy policy = env.verification();
    if (policy == null) {
      String reason = env.name() + ": no signature verification policy; add `verification: {trustedKeys:"
          + " <file>}` to environments/" + env.name() + "/config.yaml";
      progress.gate(env.name(), "signature", "failed", reason);
      throw ApplicationFailure.newNonRetryableFailure(reason, Failures.SIGNATURE_REJECTED);
    }
    if (!policy.required()) {
      progress.gate(env.name(), "signature", "skipped", "verification: {required: false} in the environment's config");
      progress.log(env.name(), null, "signature verification is switched off for " + env.name());
      run.audit("gate", null, env.name(), "skipped", "signature: not required by the environment's config");
      return;
    }
    progress.stage(ReleaseState.RUNNING, "verify:" + env.name());
    run.publish(env.name());
    VerificationResult verified;
    try {
      ReleaseRequest request = run.plan();
      verified = signatures.verify(new VerifyRequest(request.releaseId(), Workflow.getInfo().getRunId(),
          request.artifact(), progress.signatures(), env.verification(), env.name(), null));
    } catch (TemporalFailure failure) {
      String reason = FailureReasons.of(failure);
      progress.gate(env.name(), "signature", "failed", reason);
      progress.log(env.name(), null, "SIGNATURE REJECTED: " + reason);
      run.audit("gate", null, env.name(), "failed", "signature: " + reason);
      throw ApplicationFailure.newNonRetryableFailure(env.name() + ": " + reason, Failures.SIGNATURE_REJECTED);
    }
    progress.gate(env.name(), "signature", "passed", verified.detail());
    progress.log(env.name(), null, "signature verified: " + verified.detail());
    run.audit("gate", null, env.name(), "passed", "signature: " + verified.detail());
  }
}
