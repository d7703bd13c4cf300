package dev.gantry.workflows.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The environment's plan for a rollback, from the worker's platform policy.
 *
 * @param environment        the environment as policy defines it for the application (regions, target, approval)
 * @param approversDirectory the approvers directory policy names (absolute path), or null
 * @param policy             where the policy was read, its digest and commit
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RollbackPlan(EnvironmentPlan environment, String approversDirectory, PolicyStamp policy) {}
