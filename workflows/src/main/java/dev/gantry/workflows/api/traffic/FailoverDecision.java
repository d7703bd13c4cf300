package dev.gantry.workflows.api.traffic;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** What the watch did with an operator's message. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record FailoverDecision(String region, FailoverState state, String detail) {}
