package dev.gantry.workflows.api.traffic;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** An operator's order to drain a region: weight 0 now, healthy or not, until an approved failback. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TrafficCommand(String region, String requestedBy, String reason) {}
