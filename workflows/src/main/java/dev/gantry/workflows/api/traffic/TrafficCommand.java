package dev.gantry.workflows.api.traffic;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An operator's order to drain a region: weight 0 now, healthy or not, until an approved failback.
 *
 * @param token required where the environment requires signed actors: a {@code drain} token of the sender
 *              ({@code gantry approval-token --action drain}, or the CLI signs with the profile's signingKey)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrafficCommand(String region, String requestedBy, String reason, String token) {
  public TrafficCommand(String region, String requestedBy, String reason) {
    this(region, requestedBy, reason, null);
  }
}
