package dev.gantry.workflows.api.rollback;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.gantry.workflows.api.policy.PolicyStamp;
import dev.gantry.workflows.api.release.EnvironmentPlan;

/**
 * The environment's plan for a rollback, from the worker's platform policy.
 *
 * @param environment        the environment as policy defines it for the application (regions, target, approval)
 * @param approversDirectory the approvers directory policy names (absolute path), or null
 * @param policy             where the policy was read, its digest and commit
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RollbackPlan(EnvironmentPlan environment, String approversDirectory, PolicyStamp policy) {}
