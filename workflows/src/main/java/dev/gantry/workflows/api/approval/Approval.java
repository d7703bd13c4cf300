package dev.gantry.workflows.api.approval;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** An approval as the release recorded it: accepted or refused, and why. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Approval(
    String environment, String approver, String comment, String at, boolean accepted, String reason) {}
