package dev.gantry.workflows.api.deploy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * @param previousVersion  the version that was current before (null if none); what a rollback restores
 * @param alreadyCurrent   true when the version was already current (a retry or a re-run): nothing changed
 * @param location         where the version now lives, for the report
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DeployResult(String previousVersion, boolean alreadyCurrent, String location) {}
