package dev.gantry.workflows.api.deploy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** @param location where the record was written */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RecordDeploymentResult(String location) {}
