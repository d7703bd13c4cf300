package dev.gantry.workflows.api.signing;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.gantry.workflows.api.artifact.ArtifactRef;

/**
 * Sign and attest the release's artifact. Idempotent: a retry returns the signatures already made for
 * (digest, key id, predicate type), never second ones.
 *
 * @param startedAt when the release started (ISO-8601), recorded in the provenance
 * @param signedAt  the signing time (ISO-8601): the workflow's time when it asked for the signature
 *                  ({@code Workflow.currentTimeMillis()}), signed into the provenance as its {@code finishedOn};
 *                  null from releases recorded before it (the worker's clock was used)
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
    String startedAt,
    String signedAt) {

  public SignRequest(String releaseId, String runId, String application, String version, ArtifactRef artifact,
      SigningPolicy policy, String requestedBy, String specSource, String startedAt) {
    this(releaseId, runId, application, version, artifact, policy, requestedBy, specSource, startedAt, null);
  }
}
