package dev.gantry.workflows.api.signing;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.gantry.workflows.api.artifact.ArtifactRef;
import java.util.List;

/**
 * Verify the artifact against an environment's policy, before the environment or right before a region's
 * deploy. Fails non-retryably ({@code SignatureRejected}) saying exactly what did not match.
 *
 * @param signatures what the release signed (empty: the signatures next to the artifact, e.g. made by cosign)
 * @param region     null for the environment's gate
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record VerifyRequest(
    String releaseId,
    String runId,
    ArtifactRef artifact,
    List<SignatureRef> signatures,
    VerificationPolicy policy,
    String environment,
    String region) {}
