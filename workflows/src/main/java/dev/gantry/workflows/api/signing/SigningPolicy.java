package dev.gantry.workflows.api.signing;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * How the release signs its artifact, from the {@code signing:} section of the release spec. Holds
 * references only: the key's bytes and its password stay on the worker and never reach the history.
 *
 * @param key              a key file on the worker (PKCS#8 PEM or cosign's encrypted key), or
 *                         {@code awskms:///<key id, ARN or alias>}
 * @param passwordEnv      name of the worker's environment variable holding the key file's password
 *                         (null for an unencrypted key or KMS)
 * @param sbom             SPDX JSON file attested as {@code https://spdx.dev/Document}, or null
 * @param sourceRepository the source repository recorded in the SLSA provenance, or null
 * @param sourceCommit     the commit recorded in the SLSA provenance, or null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SigningPolicy(
    String key, String passwordEnv, String sbom, String sourceRepository, String sourceCommit) {}
