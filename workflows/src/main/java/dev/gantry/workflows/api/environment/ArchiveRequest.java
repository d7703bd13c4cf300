package dev.gantry.workflows.api.environment;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.gantry.workflows.api.deploy.DeployTarget;

/** Unregister an environment and keep its audit trail (and, for local, its folder) in the archive. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ArchiveRequest(String application, String environment, DeployTarget target, String primaryRegion,
    String workflowId) {}
