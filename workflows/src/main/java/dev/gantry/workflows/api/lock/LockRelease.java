package dev.gantry.workflows.api.lock;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** The holder (or a queued release) leaves: signal {@code release} of the lock workflow. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LockRelease(String releaseId, String runId, String why) {}
