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
 * @param invocationId  for the provenance a release's worker made: the invocation it names
 *                      ({@code <workflow id>/<run id>}); null for signatures made elsewhere or before this field
 * @param signedAt      for that provenance: the signing time the worker signed into it, which is the workflow's
 *                      time (ISO-8601), trusted because it comes from the release's history; null otherwise
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SignatureRef(String kind, String predicateType, String keyId, String location, String digest,
    String invocationId, String signedAt) {
  public static final String SIGNATURE = "signature";
  public static final String ATTESTATION = "attestation";

  public SignatureRef(String kind, String predicateType, String keyId, String location, String digest) {
    this(kind, predicateType, keyId, location, digest, null, null);
  }
}
