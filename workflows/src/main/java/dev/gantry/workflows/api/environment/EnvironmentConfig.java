package dev.gantry.workflows.api.environment;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.gantry.workflows.api.approval.ApprovalPolicy;
import java.util.Map;

/**
 * What {@code environments/<env>/config.yaml} says about the environment itself, beyond how a release
 * deploys to it. Null in a plan (and in every history recorded before environments were managed): the
 * release applies no configuration and the environment has no lifecycle.
 *
 * @param apply           write the variables and secrets into the environment's config store before each
 *                        deploy (SSM Parameter Store for AWS targets, a file for {@code local})
 * @param secrets         name -> reference ({@code ssm:/path}, {@code env:NAME}); never a value: the worker
 *                        resolves it while applying, and no value enters a history
 * @param infrastructure  the stack each region gets from {@code gantry env create}, or null
 * @param ttlHours        an ephemeral environment: decommissioned this long after its creation; null: kept
 * @param drift           how often the drift check runs and who may approve a remediation, or null
 * @param destroyApproval who must approve {@code gantry env destroy}; null: the environment's release
 *                        approvers
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record EnvironmentConfig(
    Boolean apply,
    Map<String, String> secrets,
    Infrastructure infrastructure,
    Integer ttlHours,
    DriftPolicy drift,
    ApprovalPolicy destroyApproval) {

  public boolean applies() {
    return Boolean.TRUE.equals(apply);
  }

  public Map<String, String> secretsOrEmpty() {
    return secrets == null ? Map.of() : secrets;
  }
}
