package dev.gantry.workflows.api.traffic;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** The part of a watch's state that survives continue-as-new. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record FailoverMemory(FailoverState state, String failedOverAt, String failedOverBecause,
    int auditSequence) {}
