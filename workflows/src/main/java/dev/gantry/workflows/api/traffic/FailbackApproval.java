package dev.gantry.workflows.api.traffic;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** A named person's approval to give a recovered region its traffic back. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record FailbackApproval(String approver, String comment) {}
