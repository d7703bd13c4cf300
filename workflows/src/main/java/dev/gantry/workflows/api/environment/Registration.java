package dev.gantry.workflows.api.environment;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.gantry.workflows.api.deploy.DeployTarget;
import java.util.List;

/**
 * An environment in its registry (next to its deployments: {@code <root>/<env>/environment.json} for
 * {@code local}, SSM {@code /gantry/<app>/<env>/registry} in the primary region for AWS).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Registration(String application, String environment, DeployTarget target, String primaryRegion,
    List<StackStatus> stacks, String createdBy, String createdAt, String expiresAt) {}
