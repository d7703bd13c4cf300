package dev.gantry.workflows.api.signing;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * What an environment demands of the artifact's signatures before it deploys, from the
 * {@code verification:} section of {@code environments/<env>/config.yaml}.
 *
 * @param required               false only for sandboxes that deploy unsigned builds (said in the report)
 * @param trustedKeys            the trusted keys file (keys, validity periods, revocations) on the worker
 * @param requiredPredicateTypes attestations that must be present, e.g. {@code https://slsa.dev/provenance/v1}
 * @param maxSignatureAgeHours   refuse signatures older than this (by the signed provenance time), or null
 * @param keyless                keyless (Fulcio/Rekor) signatures the gate accepts besides the trusted keys, from
 *                               the platform policy's {@code signing.keyless}; null: none (a certificate bundle is
 *                               refused)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record VerificationPolicy(
    boolean required, String trustedKeys, List<String> requiredPredicateTypes, Integer maxSignatureAgeHours,
    KeylessPolicy keyless) {

  /** Key-based verification only (no keyless signatures accepted). */
  public VerificationPolicy(boolean required, String trustedKeys, List<String> requiredPredicateTypes,
      Integer maxSignatureAgeHours) {
    this(required, trustedKeys, requiredPredicateTypes, maxSignatureAgeHours, null);
  }

  /** The same policy, accepting keyless signatures as {@code keylessPolicy} says. */
  public VerificationPolicy withKeyless(KeylessPolicy keylessPolicy) {
    return new VerificationPolicy(required, trustedKeys, requiredPredicateTypes, maxSignatureAgeHours, keylessPolicy);
  }

  public static final String SLSA_PROVENANCE = "https://slsa.dev/provenance/v1";
  public static final String SPDX_SBOM = "https://spdx.dev/Document";
  /** The short names specs and the CLI accept for the predicate types people actually require. */
  public static final java.util.Map<String, String> SHORT_PREDICATE_NAMES =
      java.util.Map.of("slsa-provenance", SLSA_PROVENANCE, "sbom", SPDX_SBOM);

  /** {@code slsa-provenance} or {@code sbom} as its predicate type; anything else as given. */
  public static String predicateType(String nameOrUri) {
    return SHORT_PREDICATE_NAMES.getOrDefault(nameOrUri, nameOrUri);
  }

  public static VerificationPolicy notRequired() {
    return new VerificationPolicy(false, null, List.of(), null);
  }

  public List<String> requiredPredicateTypesOrEmpty() {
    return requiredPredicateTypes == null ? List.of() : requiredPredicateTypes;
  }
}
