package dev.gantry.workflows.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

@JsonIgnoreProperties(ignoreUnknown = true)
public record EnvironmentStatus(
    String environment, EnvironmentState state, List<RegionStatus> regions, String waitingFor) {}
