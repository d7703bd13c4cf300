package dev.gantry.workflows.api.cab;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Ask the change board for permission to deploy a release to an environment.
 *
 * @param releaseId      the release's workflow id ({@code release/<app>/<version>}); with
 *                       {@code environment} it is the correlation key that makes opening idempotent
 * @param application    the application being released
 * @param version        the version being released
 * @param artifactDigest the digest of the signed artifact ({@code sha256:...}) the approval is bound to
 * @param environment    the environment the change is for
 * @param requestedBy    who started the release
 * @param description    free text for the board (what changes and why); optional
 * @param policy         which board, and how to reach it
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ChangeRequest(
    String releaseId,
    String application,
    String version,
    String artifactDigest,
    String environment,
    String requestedBy,
    String description,
    CabPolicy policy) {

  /**
   * The key that identifies this change on the board: {@code releaseId + "/" + environment}. One release
   * has at most one open change per environment, however many times the activity is retried.
   */
  public String correlationId() {
    return releaseId + "/" + environment;
  }
}
