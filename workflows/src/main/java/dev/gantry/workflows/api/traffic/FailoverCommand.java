package dev.gantry.workflows.api.traffic;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** An operator's order to move a region's traffic away now, healthy or not. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record FailoverCommand(String requestedBy, String reason) {}
