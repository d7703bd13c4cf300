package dev.gantry.workflows.api.environment;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An approval to destroy an environment (or to re-apply its drifted configuration).
 *
 * @param token required where the environment requires signed actors: a {@code destroy} token of the approver
 *              ({@code gantry approval-token --action destroy}, or the CLI signs with the profile's signingKey)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DestroyApproval(String approver, String comment, String token) {
  public DestroyApproval(String approver, String comment) {
    this(approver, comment, null);
  }
}
