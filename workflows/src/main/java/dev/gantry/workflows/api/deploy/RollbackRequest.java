package dev.gantry.workflows.api.deploy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Undo the deploy of {@code version} in one region: if it is current, restore what was current before
 * it. If it is not current (the deploy never happened, or was already undone) nothing changes, so the
 * undo can be registered before the deploy and retried at will.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RollbackRequest(
    String releaseId,
    String application,
    String version,
    String environment,
    String region,
    DeployTarget target,
    String reason) {}
