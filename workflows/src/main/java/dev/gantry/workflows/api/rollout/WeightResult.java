package dev.gantry.workflows.api.rollout;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * @param weight the new version's share of traffic now, in percent
 * @param stable what receives the rest (null when nothing ran there before)
 * @param detail where the weight lives, for the timeline (e.g. the alias and its routing config)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record WeightResult(int weight, String stable, String detail) {}
