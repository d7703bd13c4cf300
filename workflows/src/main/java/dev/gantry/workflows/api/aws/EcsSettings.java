package dev.gantry.workflows.api.aws;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The ECS service each region runs; it exists before the first release.
 *
 * @param cluster              cluster name, the same in every region
 * @param service              service name
 * @param containerName        the container whose image a release replaces
 * @param steadyStateTimeoutSeconds how long a deploy waits for the service to settle (default 600)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record EcsSettings(String cluster, String service, String containerName,
    Integer steadyStateTimeoutSeconds) {

  public int steadyStateTimeoutSecondsOrDefault() {
    return steadyStateTimeoutSeconds == null ? 600 : steadyStateTimeoutSeconds;
  }
}
