package dev.gantry.workflows.api.release;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.gantry.workflows.api.deploy.RegionStatus;
import java.util.List;

@JsonIgnoreProperties(ignoreUnknown = true)
public record EnvironmentStatus(
    String environment, EnvironmentState state, List<RegionStatus> regions, String waitingFor) {}
