package dev.gantry.workflows.api.environment;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.gantry.workflows.api.deploy.DeployTarget;
import java.util.List;

@JsonIgnoreProperties(ignoreUnknown = true)
public record RegionsRequest(String application, String environment, DeployTarget target, List<String> regions) {}
