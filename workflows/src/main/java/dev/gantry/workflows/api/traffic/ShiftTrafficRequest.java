package dev.gantry.workflows.api.traffic;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.gantry.workflows.api.deploy.DeployTarget;
import java.util.Map;

/** @param weights region -> weight, for every region of the environment (0: no traffic) */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ShiftTrafficRequest(
    String application, String environment, DeployTarget target, Map<String, Integer> weights, String reason) {}
