package dev.gantry.workflows.signing;

import dev.gantry.workflows.api.signing.SignRequest;
import dev.gantry.workflows.api.signing.SignatureRef;
import dev.gantry.workflows.api.signing.SigningActivities;
import dev.gantry.workflows.api.signing.VerificationResult;
import dev.gantry.workflows.api.signing.VerifyRequest;
import dev.gantry.workflows.support.ActivityOptionsCatalogue;
import io.temporal.workflow.Workflow;
import java.util.List;

/**
 * The signing port as the release and region workflows use it. Create inside a workflow. A rejected
 * signature is never retried: the same bytes and keys give the same answer, and the release must stop.
 */
public final class SignatureGate {
  private final SigningActivities signer = Workflow.newActivityStub(SigningActivities.class, ActivityOptionsCatalogue.SIGN);
  private final SigningActivities verifier = Workflow.newActivityStub(SigningActivities.class, ActivityOptionsCatalogue.VERIFY);

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
