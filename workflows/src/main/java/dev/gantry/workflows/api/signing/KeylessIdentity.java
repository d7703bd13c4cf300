package dev.gantry.workflows.api.signing;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One signer identity the gate trusts for keyless signatures, as cosign's
 * {@code --certificate-identity[-regexp]} and {@code --certificate-oidc-issuer[-regexp]}: exactly one of
 * {@code identity} / {@code identityRegexp} and exactly one of {@code issuer} / {@code issuerRegexp}.
 *
 * @param identity       the certificate's subject alternative name, exactly (a workflow URI, an e-mail)
 * @param identityRegexp a regular expression the whole subject alternative name must match
 * @param issuer         the OIDC issuer recorded in the certificate, exactly
 * @param issuerRegexp   a regular expression the whole issuer must match
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record KeylessIdentity(String identity, String identityRegexp, String issuer, String issuerRegexp) {

  /** For messages: {@code identity (issuer)}, with the regexps marked. */
  public String describe() {
    String who = identity != null ? identity : "~/" + identityRegexp + "/";
    String from = issuer != null ? issuer : "~/" + issuerRegexp + "/";
    return who + " (issuer " + from + ")";
  }
}
