package dev.gantry.starter.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** {@code environments/<env>/config.yaml} as written by users. */
record EnvironmentConfigFile(
    List<RegionSpec> regions,
    List<List<String>> waves,
    TargetSpec target,
    HealthCheckSpec healthCheck,
    ApprovalSpec approval,
    Map<String, String> variables,
    QualitySpec quality,
    CabSpec cab,
    @JsonProperty("notify") NotifySpec notifications,
    WindowSpec window,
    VerificationSpec verification,
    Integer maxParallelRegions,
    RolloutSpec rollout,
    Map<String, String> secrets,
    Boolean applyConfig,
    LifecycleSpec lifecycle,
    FlagsSpec flags,
    String concurrency) {

  record RolloutSpec(
      String strategy,
      List<Integer> steps,
      Integer bakeMinutes,
      Integer bakeSeconds,
      Integer stepPercent,
      Integer everyMinutes,
      Integer everySeconds,
      String darkLaunch,
      AnalysisSpec analysis) {}

  record AnalysisSpec(
      String metricsUrl,
      String metricsFile,
      CloudWatchSpec cloudWatch,
      Double maxErrorRate,
      Double maxLatencyP99Ms,
      Double maxErrorRateIncrease,
      Double maxLatencyP99IncreaseMs,
      Long minRequests,
      Integer inconclusiveTimeoutMinutes,
      Integer inconclusiveTimeoutSeconds,
      String onInconclusive,
      String onNoData) {}

  record CloudWatchSpec(
      String namespace,
      String requestsMetric,
      String errorsMetric,
      String latencyMetric,
      String latencyStat,
      String versionDimension,
      Map<String, String> dimensions,
      Integer periodSeconds) {}

  record LifecycleSpec(InfrastructureSpec infrastructure, Integer ttlHours, DriftSpec drift, DestroySpec destroy) {}

  record InfrastructureSpec(String template, Map<String, String> parameters) {}

  record DriftSpec(Integer intervalMinutes, List<String> remediationApprovers, Integer approvalTimeoutHours) {}

  record DestroySpec(List<String> approvers, Integer minApprovals, Integer timeoutHours) {}

  record FlagsSpec(SplitSpec split, List<String> required, String metricsUrl, List<RampSpec> ramps,
      List<ExperimentSpec> experiments) {}

  record SplitSpec(String workspaceId, String environment, String adminApiKeyEnv, String adminUrl, String sdkKeyEnv,
      String localhostFile) {}

  record RampSpec(String flag, String treatment, String offTreatment, List<Integer> steps, Integer bakeMinutes,
      String metric, Double maxRate, Integer minExposures) {}

  record ExperimentSpec(String name, String flag, String control, Map<String, Integer> split, String metric,
      Long minSamplePerTreatment, Integer maxDurationHours, Integer checkIntervalMinutes, Double alpha,
      String decision, Integer decisionTimeoutHours) {}

  record RegionSpec(String name, Boolean primary) {}

  record VerificationSpec(Boolean required, String trustedKeys, List<String> require, Integer maxSignatureAgeHours) {}

  record TargetSpec(String type, String root, AwsSpec aws, KubernetesSpec kubernetes) {}

  record KubernetesSpec(Map<String, ClusterSpec> regions, Integer rolloutTimeoutSeconds) {}

  record ClusterSpec(String apiServer, String caFile, String token, String clientCertFile, String clientKeyFile,
      String namespace, List<String> deployments, String container, String service) {}

  record AwsSpec(
      String account,
      String artifactBucket,
      LambdaSpec lambda,
      EcsSpec ecs,
      Route53Spec route53,
      Map<String, AwsRegionSpec> regions,
      Integer healthyForSeconds) {}

  record LambdaSpec(String functionName, String alias, String roleArn) {}

  record EcsSpec(String cluster, String service, String containerName, Integer steadyStateTimeoutSeconds) {}

  record Route53Spec(String hostedZoneId, String recordName, String routing, Integer ttlSeconds) {}

  record AwsRegionSpec(String bucket, List<String> alarms, String healthCheckId, Integer weight, String endpoint) {}

  record HealthCheckSpec(
      String command, String url, Integer timeoutSeconds, Integer attempts, Integer intervalSeconds) {}

  record QualitySpec(CoverageSpec coverage, SecuritySpec security) {}

  record CoverageSpec(String report, String format, Double minLinesPct) {}

  record SecuritySpec(
      String scoreReport, Double minScore, String sarifReport, Integer maxCritical, Integer maxHigh) {}

  record CabSpec(
      String type, String url, String tokenEnv, String assignmentGroup, Integer pollIntervalSeconds,
      Integer timeoutHours) {}

  record NotifySpec(String webhookUrlEnv, String webhookUrl, List<String> mention, String uiUrl) {}

  record WindowSpec(
      String timeZone,
      List<WeeklySpec> allowed,
      List<FreezeSpec> freezes,
      List<WeeklySpec> recurringFreezes,
      List<String> holidayCalendars) {}

  record WeeklySpec(List<String> days, String from, String to) {}

  record FreezeSpec(String from, String to, String reason) {}

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
      String emergencyGroup,
      Boolean signedActions,
      String maxTokenLifetime) {}
}
