package dev.gantry.workflows.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** What the rollback did in each region, in the order it did it (primary last). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record EnvironmentRollbackResult(String environment, List<RegionStatus> regions) {}
