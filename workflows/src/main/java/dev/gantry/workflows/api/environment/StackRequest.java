package dev.gantry.workflows.api.environment;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.gantry.workflows.api.deploy.DeployTarget;

/** The infrastructure of one region of an environment: a stack (AWS) or its folders ({@code local}). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record StackRequest(String application, String environment, String region, DeployTarget target,
    Infrastructure infrastructure) {
  public String stackName() {
    return "gantry-" + application + "-" + environment;
  }
}
