package dev.gantry.starter.spec;

import java.util.List;
import java.util.Map;

/** {@code environments/<env>/config.yaml} as written by users. */
record EnvironmentConfigFile(
    List<RegionSpec> regions,
    List<List<String>> waves,
    TargetSpec target,
    HealthCheckSpec healthCheck,
    ApprovalSpec approval,
    Map<String, String> variables) {

  record RegionSpec(String name, Boolean primary) {}

  record TargetSpec(String type, String root) {}

  record HealthCheckSpec(
      String command, String url, Integer timeoutSeconds, Integer attempts, Integer intervalSeconds) {}

  record ApprovalSpec(
      Boolean required,
      List<String> approvers,
      List<String> groups,
      Integer minApprovals,
      Integer timeoutHours,
      Integer expiresAfterHours,
      Integer escalateAfterHours,
      String escalationGroup,
      Boolean signedApprovals,
      String emergencyGroup) {}
}
