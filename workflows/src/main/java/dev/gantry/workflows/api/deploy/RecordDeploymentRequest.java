package dev.gantry.workflows.api.deploy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** Record that an environment now runs a version, with the digest that proves which bytes. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RecordDeploymentRequest(
    String releaseId,
    String application,
    String version,
    String artifactDigest,
    String environment,
    List<String> regions,
    DeployTarget target) {}
