package dev.gantry.workflows.api.traffic;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** A named person's approval to give a failed-over or drained region its traffic back. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TrafficFailback(String region, String approver, String comment) {}
