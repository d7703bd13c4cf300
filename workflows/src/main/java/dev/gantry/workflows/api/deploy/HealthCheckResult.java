package dev.gantry.workflows.api.deploy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** @param detail what the check saw (command output or HTTP status), trimmed for the history */
@JsonIgnoreProperties(ignoreUnknown = true)
public record HealthCheckResult(boolean healthy, String detail) {}
