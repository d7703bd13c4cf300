package dev.gantry.workflows.api.environment;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.gantry.workflows.api.deploy.DeployTarget;
import java.util.List;
import java.util.Map;

/** An environment's declared configuration: plain variables and secret references (never values). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ConfigRequest(
    String application,
    String environment,
    DeployTarget target,
    List<String> regions,
    Map<String, String> variables,
    Map<String, String> secrets) {}
