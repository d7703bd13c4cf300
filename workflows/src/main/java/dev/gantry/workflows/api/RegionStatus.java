package dev.gantry.workflows.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * @param previousVersion what ran in the region before this release (null if nothing did)
 * @param detail          the last thing that happened there, e.g. the health check's answer
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RegionStatus(
    String region, RegionState state, String previousVersion, String detail) {}
