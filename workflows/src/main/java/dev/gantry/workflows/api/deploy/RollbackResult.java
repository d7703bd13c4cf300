package dev.gantry.workflows.api.deploy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * @param changed         whether anything was changed (false: the version was not current)
 * @param restoredVersion the version current after the rollback (null: none)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RollbackResult(boolean changed, String restoredVersion) {}
