package dev.gantry.workflows.api.signing;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/** The signing port: sign and attest the artifact, and the fail-closed verification gate. */
@ActivityInterface(namePrefix = "Signing.")
public interface SigningActivities {

  /** Signs the artifact and attests its provenance (and SBOM); returns every signature made. */
  @ActivityMethod(name = "Signing.sign")
  List<SignatureRef> sign(SignRequest request);

  /** Throws a non-retryable {@code SignatureRejected} failure when anything does not match. */
  @ActivityMethod(name = "Signing.verify")
  VerificationResult verify(VerifyRequest request);
}
