package dev.gantry.workflows.api.deploy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.gantry.workflows.api.rollout.RolloutStatus;

/**
 * @param previousVersion what ran in the region before this release (null if nothing did)
 * @param detail          the last thing that happened there, e.g. the health check's answer
 * @param rollout         the progressive rollout's step, weight and last analysis (null: all at once)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RegionStatus(
    String region, RegionState state, String previousVersion, String detail, RolloutStatus rollout) {

  public RegionStatus(String region, RegionState state, String previousVersion, String detail) {
    this(region, state, previousVersion, detail, null);
  }
}
