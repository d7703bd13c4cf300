package dev.gantry.workflows.support;

import dev.gantry.workflows.api.signing.SignRequest;
import dev.gantry.workflows.api.signing.SignatureRef;
import dev.gantry.workflows.api.signing.SigningActivities;
import dev.gantry.workflows.api.signing.VerificationResult;
import dev.gantry.workflows.api.signing.VerifyRequest;
import dev.gantry.workflows.api.temporal.Failures;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * In-memory stand-in for the signing port: signs by recording, and rejects where a test says the
 * artifact was tampered with ("production" for the environment gate, "production/eu-west-1" for a region).
 */
public final class FakeSigning implements SigningActivities {
  public static final String KEY_ID = "test-key-id";

  public final List<SignRequest> signed = new CopyOnWriteArrayList<>();
  public final List<VerifyRequest> verified = new CopyOnWriteArrayList<>();
  private final Set<String> tampered = ConcurrentHashMap.newKeySet();

  public FakeSigning tamperedAt(String where) {
    tampered.add(where);
    return this;
  }

  @Override
  public List<SignatureRef> sign(SignRequest request) {
    signed.add(request);
    String digest = request.artifact().digest();
    return List.of(
        new SignatureRef(SignatureRef.SIGNATURE, null, KEY_ID, request.artifact().location() + ".sigstore.json", digest),
        new SignatureRef(SignatureRef.ATTESTATION, "https://slsa.dev/provenance/v1", KEY_ID,
            request.artifact().location() + ".provenance.sigstore.json", digest));
  }

  @Override
  public VerificationResult verify(VerifyRequest request) {
    verified.add(request);
    String where = request.region() == null ? request.environment() : request.environment() + "/" + request.region();
    if (tampered.contains(where)) {
      throw ApplicationFailure.newNonRetryableFailure("ARTIFACT_DIGEST_MISMATCH: the artifact hashes to"
          + " sha256:0bad, the signature is for " + request.artifact().digest(), Failures.SIGNATURE_REJECTED);
    }
    return new VerificationResult(KEY_ID, request.policy().requiredPredicateTypesOrEmpty(),
        "signed by " + KEY_ID + " (" + request.signatures().size() + " signature(s))");
  }
}
