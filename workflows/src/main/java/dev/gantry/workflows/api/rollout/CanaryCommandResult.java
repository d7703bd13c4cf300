package dev.gantry.workflows.api.rollout;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** The answer to a {@code canaryCommand} update: what will happen now. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CanaryCommandResult(String region, String action, String outcome, RolloutStatus rollout) {}
