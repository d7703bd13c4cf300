package dev.gantry.workflows.api.approval;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** An emergency override as the release recorded it (accepted or refused), for the report. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record GateOverride(
    String environment,
    String gate,
    String approver,
    String justification,
    String incident,
    String at,
    boolean accepted,
    String reason) {}
