package dev.gantry.workflows.api.traffic;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Why a region carries no traffic: the owner failed it over ({@link RegionTrafficState#FAILED_OVER}) or an
 * operator drained it ({@link RegionTrafficState#DRAINED}). Only an approved failback lifts it.
 *
 * @param since ISO-8601, workflow time
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RegionHold(String region, RegionTrafficState state, String by, String reason, String since) {}
