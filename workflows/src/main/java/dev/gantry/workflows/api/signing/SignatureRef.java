package dev.gantry.workflows.api.signing;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One signature or attestation of the artifact, as listed in the release report.
 *
 * @param kind          {@code signature} or {@code attestation}
 * @param predicateType the attestation's predicate type (null for a signature)
 * @param keyId         the signing key's id (cosign's hint: base64 SHA-256 of the public key)
 * @param location      a file path ({@code X.sigstore.json}) or a registry reference ({@code repo:sha256-<hex>.sig})
 * @param digest        the signed artifact's digest
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SignatureRef(String kind, String predicateType, String keyId, String location, String digest) {
  public static final String SIGNATURE = "signature";
  public static final String ATTESTATION = "attestation";
}
