package dev.gantry.workflows.signing;

import dev.gantry.workflows.api.Failures;
import dev.gantry.workflows.api.signing.SignRequest;
import dev.gantry.workflows.api.signing.SignatureRef;
import dev.gantry.workflows.api.signing.SigningActivities;
import dev.gantry.workflows.api.signing.VerificationResult;
import dev.gantry.workflows.api.signing.VerifyRequest;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.List;

/**
 * The signing port as the release and region workflows use it. Create inside a workflow. A rejected
 * signature is never retried: the same bytes and keys give the same answer, and the release must stop.
 */
public final class SignatureGate {
  /**
   * Activity options are not part of the determinism check (only the command's type, activity type and id
   * are), so a timeout can change under releases in flight without {@code Workflow.getVersion}.
   */
  public static final Duration HEARTBEAT = Duration.ofSeconds(20);

  /** Hashing and signing a 1 GiB artifact takes seconds; a registry or KMS may be slow. */
  static final ActivityOptions SIGN_OPTIONS =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(15))
          // the activity heartbeats while it works: a dead worker is noticed in seconds, not 15 minutes
          .setHeartbeatTimeout(HEARTBEAT)
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofSeconds(2))
                  .setBackoffCoefficient(2.0)
                  .setMaximumInterval(Duration.ofMinutes(1))
                  .setMaximumAttempts(5)
                  .setDoNotRetry(Failures.SIGNATURE_REJECTED, Failures.ARTIFACT_DIGEST_MISMATCH,
                      Failures.INVALID_REQUEST)
                  .build())
          .build();

  static final ActivityOptions VERIFY_OPTIONS =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(10))
          .setHeartbeatTimeout(HEARTBEAT)
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofSeconds(1))
                  .setBackoffCoefficient(2.0)
                  .setMaximumInterval(Duration.ofSeconds(30))
                  .setMaximumAttempts(5)
                  .setDoNotRetry(Failures.SIGNATURE_REJECTED, Failures.ARTIFACT_DIGEST_MISMATCH,
                      Failures.INVALID_REQUEST)
                  .build())
          .build();

  private final SigningActivities signer = Workflow.newActivityStub(SigningActivities.class, SIGN_OPTIONS);
  private final SigningActivities verifier = Workflow.newActivityStub(SigningActivities.class, VERIFY_OPTIONS);

  public List<SignatureRef> sign(SignRequest request) {
    return signer.sign(request);
  }

  public VerificationResult verify(VerifyRequest request) {
    return verifier.verify(request);
  }

  /** "signature + 2 attestations (slsa.dev/provenance/v1, spdx.dev/Document) by key <id>" */
  public static String summary(List<SignatureRef> refs) {
    long signatures = refs.stream().filter(ref -> SignatureRef.SIGNATURE.equals(ref.kind())).count();
    List<String> attested = refs.stream()
        .filter(ref -> SignatureRef.ATTESTATION.equals(ref.kind()))
        .map(ref -> ref.predicateType().replaceFirst("^https://", ""))
        .toList();
    String keys = String.join(", ", refs.stream().map(SignatureRef::keyId).distinct().toList());
    return signatures + " signature(s)"
        + (attested.isEmpty() ? "" : " + " + attested.size() + " attestation(s) (" + String.join(", ", attested) + ")")
        + " by key " + keys;
  }
}
