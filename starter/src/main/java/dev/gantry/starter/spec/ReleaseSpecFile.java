package dev.gantry.starter.spec;

import java.util.List;

/**
 * The release request as written by users ({@code release.yaml}): what to release, never how it is gated.
 * Unknown fields are errors here (a typo must not silently drop a setting), unlike the workflow messages,
 * which tolerate new fields. {@code environmentsDir}, {@code approversDirectory} and {@code signing} are
 * read only to say that they moved into the platform policy.
 *
 * @param policy a local checkout of the platform policy, for the operator commands that read an
 *               environment's settings (region, env, flags); the worker never reads it from here
 */
record ReleaseSpecFile(
    String application,
    String version,
    String requestedBy,
    ArtifactSpec artifact,
    List<String> promotion,
    String notes,
    RequirementsSpec requirements,
    String policy,
    String environmentsDir,
    String approversDirectory,
    SigningSpec signing) {

  record ArtifactSpec(String file, String image, String digest) {}

  /**
   * @param keyless policy.yaml only: keyless (Fulcio/Rekor) signatures the verification gate accepts
   */
  record SigningSpec(String key, String passwordEnv, String sbom, SourceSpec source, KeylessSpec keyless) {}

  /**
   * {@code signing.keyless} of policy.yaml.
   *
   * @param trustedRoot the Sigstore trusted_root.json, relative to the policy directory
   * @param identities  who may sign (cosign's --certificate-identity[-regexp] and --certificate-oidc-issuer[-regexp])
   */
  record KeylessSpec(String trustedRoot, List<IdentitySpec> identities) {}

  record IdentitySpec(String identity, String identityRegexp, String issuer, String issuerRegexp) {}

  record SourceSpec(String repository, String commit) {}

  record RequirementsSpec(Integer minApprovals, List<String> attestations, Integer minBakeSeconds) {}
}
