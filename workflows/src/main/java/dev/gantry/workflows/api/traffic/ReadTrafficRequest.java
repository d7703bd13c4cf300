package dev.gantry.workflows.api.traffic;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.gantry.workflows.api.deploy.DeployTarget;

@JsonIgnoreProperties(ignoreUnknown = true)
public record ReadTrafficRequest(String application, String environment, DeployTarget target) {}
