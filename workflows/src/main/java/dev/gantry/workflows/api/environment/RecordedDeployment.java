package dev.gantry.workflows.api.environment;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** The last deployment a release recorded in the environment; all null when none was ever recorded. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RecordedDeployment(String releaseId, String version, String artifactDigest, List<String> regions,
    String recordedAt) {}
