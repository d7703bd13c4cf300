package dev.gantry.workflows.api.signing;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * Which keyless (Fulcio certificate + Rekor entry) signatures the gate accepts, from the
 * {@code signing.keyless} section of the platform policy ({@code policy.yaml}).
 *
 * @param trustedRoot the Sigstore {@code trusted_root.json} on the worker (absolute path): Fulcio CAs, Rekor
 *                    logs, CT logs and timestamp authorities the signature must chain to
 * @param identities  who may sign: a certificate must match at least one rule; never empty
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record KeylessPolicy(String trustedRoot, List<KeylessIdentity> identities) {

  public List<KeylessIdentity> identitiesOrEmpty() {
    return identities == null ? List.of() : identities;
  }
}
