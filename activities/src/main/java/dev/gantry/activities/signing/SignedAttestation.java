package dev.gantry.activities.signing;

/**
 * An in-toto statement signed in a DSSE envelope.
 *
 * @param predicateType the statement's predicate type
 * @param keyId the signing key's cosign hint
 * @param envelopeJson the DSSE envelope alone (cosign's {@code --output-attestation})
 * @param bundleJson the Sigstore bundle v0.3 with the envelope (cosign's {@code attest-blob --bundle})
 */
public record SignedAttestation(String predicateType, String keyId, String envelopeJson, String bundleJson) {}
