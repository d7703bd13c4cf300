package dev.gantry.workflows.api.approval;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * What an update ({@code approve}, {@code reject}, {@code override}) did, returned to the caller at once.
 *
 * @param environment the environment it applied to
 * @param detail      e.g. "1 of 2 approvals" or "window gate of production skipped"
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record GateDecision(boolean accepted, String environment, String detail) {}
