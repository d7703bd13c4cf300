package dev.gantry.workflows.api.rollback;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.gantry.workflows.api.deploy.RegionStatus;
import java.util.List;

/**
 * What the rollback did in each region, in the order it did it (primary last).
 *
 * @param recorded what the environment's deployment record ({@code deployed.json}) now says, or why it was
 *                 left alone; null for rollbacks recorded before the record was rewritten
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record EnvironmentRollbackResult(String environment, List<RegionStatus> regions, String recorded) {
  public EnvironmentRollbackResult(String environment, List<RegionStatus> regions) {
    this(environment, regions, null);
  }
}
