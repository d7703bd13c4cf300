package dev.gantry.workflows.api.signing;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.gantry.workflows.api.ArtifactRef;

/**
 * Sign and attest the release's artifact. Idempotent: a retry returns the signatures already made for
 * (digest, key id, predicate type), never second ones.
 *
 * @param startedAt when the release started (ISO-8601), recorded in the provenance
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SignRequest(
    String releaseId,
    String runId,
    String application,
    String version,
    ArtifactRef artifact,
    SigningPolicy policy,
    String requestedBy,
    String specSource,
    String startedAt) {}
