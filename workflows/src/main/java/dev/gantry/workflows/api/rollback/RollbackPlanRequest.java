package dev.gantry.workflows.api.rollback;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** What a rollback asks the worker's policy: the environment's plan for this application. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RollbackPlanRequest(String releaseId, String application, String version, String environment,
    String requestedBy) {}
