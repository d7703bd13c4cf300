package dev.gantry.workflows.api.traffic;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A named person's approval to give a failed-over or drained region its traffic back.
 *
 * @param token required where the environment requires signed actors: a {@code failback} token of the
 *              approver ({@code gantry approval-token --action failback}, or the CLI signs with the profile's
 *              signingKey)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrafficFailback(String region, String approver, String comment, String token) {
  public TrafficFailback(String region, String approver, String comment) {
    this(region, approver, comment, null);
  }
}
