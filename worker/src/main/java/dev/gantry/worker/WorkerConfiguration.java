package dev.gantry.worker;

import dev.gantry.activities.aws.ArtifactReplicator;
import dev.gantry.activities.aws.AwsClients;
import dev.gantry.activities.aws.AwsSettings;
import dev.gantry.activities.aws.EcsTarget;
import dev.gantry.activities.aws.LambdaTarget;
import dev.gantry.activities.aws.RegionHealthChecks;
import dev.gantry.activities.aws.RegionTrafficActivitiesImpl;
import dev.gantry.activities.aws.TrafficRouter;
import dev.gantry.activities.deploy.DeploymentActivitiesImpl;
import dev.gantry.workflows.api.traffic.RegionTrafficActivities;
import java.net.URI;
import dev.gantry.activities.deploy.TargetAdapter;
import dev.gantry.activities.deploy.TrafficAdapter;
import dev.gantry.activities.deploy.TrafficShiftActivitiesImpl;
import dev.gantry.activities.analysis.MetricsAnalysis;
import dev.gantry.workflows.api.rollout.AnalysisActivities;
import dev.gantry.workflows.api.rollout.TrafficShiftActivities;
import dev.gantry.activities.local.HealthChecker;
import dev.gantry.activities.local.LocalTarget;
import dev.gantry.activities.audit.AuditCheckpoints;
import dev.gantry.activities.audit.JsonlAuditLog;
import dev.gantry.activities.audit.WorkerAuditKey;
import dev.gantry.activities.audit.SignatureAuditLog;
import dev.gantry.activities.signing.KmsClients;
import dev.gantry.activities.signing.SigningActivitiesImpl;
import dev.gantry.workflows.api.signing.SigningActivities;
import dev.gantry.activities.cab.ChangeBoardActivitiesImpl;
import dev.gantry.activities.flags.FeatureFlagActivitiesImpl;
import dev.gantry.activities.flags.FlagAnalysisActivitiesImpl;
import dev.gantry.workflows.api.flags.FeatureFlagActivities;
import dev.gantry.workflows.api.flags.FlagAnalysisActivities;
import dev.gantry.activities.notify.NotifyActivitiesImpl;
import dev.gantry.activities.quality.QualityGateActivitiesImpl;
import dev.gantry.activities.window.DeploymentWindowActivitiesImpl;
import dev.gantry.workflows.api.cab.ChangeBoardActivities;
import dev.gantry.workflows.api.notify.NotifyActivities;
import dev.gantry.workflows.api.quality.QualityGateActivities;
import dev.gantry.workflows.api.window.DeploymentWindowActivities;
import dev.gantry.activities.directory.FileApproverDirectory;
import dev.gantry.workflows.api.approval.ApproverDirectoryActivities;
import dev.gantry.workflows.api.audit.AuditActivities;
import dev.gantry.workflows.api.deploy.DeploymentActivities;
import dev.gantry.workflows.api.policy.PolicyActivities;
import dev.gantry.starter.spec.PolicyActivitiesImpl;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import java.time.Clock;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The activity implementations this worker hosts; the workers themselves are in application.yml. */
@Configuration
public class WorkerConfiguration {

  /**
   * The platform's policy ({@code gantry.policy.path}): every release's gates, targets, health checks and
   * trust roots come from there. Required: a worker without a usable policy does not start. The demo and
   * dev modes use the example's ({@code examples/policy}) and make its signing key on first use.
   */
  @Bean
  PolicyActivitiesImpl policyActivities(@Value("${gantry.policy.path:}") String path,
      @Value("${gantry.policy.make-example-keys:false}") boolean makeExampleKeys) {
    if (path.isBlank()) {
      throw new dev.gantry.starter.spec.SpecException("the worker's configuration", List.of("gantry.policy.path is not set: point the worker at"
          + " the platform's policy directory (--gantry.policy.path=<dir> or GANTRY_POLICY=<dir>; the example is"
          + " examples/policy, see docs/security-model.md)"));
    }
    Path directory = Path.of(path).toAbsolutePath().normalize();
    if (makeExampleKeys && directory.getParent() != null) {
      dev.gantry.activities.signing.DemoKeys.ensure(directory.getParent());
    }
    return new PolicyActivitiesImpl(directory);
  }

  /**
   * A workflow input the worker cannot decode (a crafted start: a list where a name belongs) fails that
   * workflow at once, with the decoder's reason naming the field, instead of failing its workflow task
   * forever while the release hangs RUNNING. Signals that cannot be decoded are still dropped by the SDK
   * and the workflow goes on.
   */
  @Bean
  io.temporal.spring.boot.TemporalOptionsCustomizer<io.temporal.worker.WorkflowImplementationOptions.Builder>
      undecodableInputFailsTheWorkflow() {
    return builder -> builder.setFailWorkflowExceptionTypes(io.temporal.common.converter.DataConverterException.class);
  }

  /**
   * An activity's heartbeat reaches the server at most every 5 s (the SDK's default with a 20 s heartbeat
   * timeout is 16 s): `release watch` shows where a long step stands (a Kubernetes rollout's replicas) from it.
   */
  @Bean
  io.temporal.spring.boot.TemporalOptionsCustomizer<io.temporal.worker.WorkerOptions.Builder> freshHeartbeats() {
    return builder -> builder.setMaxHeartbeatThrottleInterval(java.time.Duration.ofSeconds(5));
  }

  @Bean
  LocalTarget localTarget() {
    return new LocalTarget(new HealthChecker(), Clock.systemUTC());
  }

  /**
   * AWS clients for the lambda and ecs targets and for region traffic. Always registered: without any
   * {@code gantry.aws.*} property they use the SDK's default credential chain and the real endpoints
   * (the worker's role on AWS); a worker without AWS credentials fails the first AWS activity with the
   * SDK's "unable to load credentials" error, retried, while local targets keep working.
   * {@code gantry.aws.endpoint} (e.g. moto) and the static key pair are for emulators and demos.
   */
  @Bean(destroyMethod = "close")
  AwsClients awsClients(@Value("${gantry.aws.endpoint:}") String endpoint,
      @Value("${gantry.aws.access-key-id:}") String accessKeyId,
      @Value("${gantry.aws.secret-access-key:}") String secretAccessKey) {
    return new AwsClients(new AwsSettings(endpoint.isBlank() ? null : URI.create(endpoint),
        accessKeyId.isBlank() ? null : accessKeyId, secretAccessKey.isBlank() ? null : secretAccessKey));
  }

  @Bean
  RegionHealthChecks regionHealthChecks(AwsClients aws) {
    return new RegionHealthChecks(aws, new HealthChecker());
  }

  @Bean
  LambdaTarget lambdaTarget(AwsClients aws, RegionHealthChecks health) {
    return new LambdaTarget(aws, new ArtifactReplicator(aws), health, Clock.systemUTC());
  }

  @Bean
  EcsTarget ecsTarget(AwsClients aws, RegionHealthChecks health) {
    return new EcsTarget(aws, health);
  }

  /** One client per call to the cluster of a region, from policy; token references read this worker's environment. */
  @Bean
  dev.gantry.activities.kubernetes.KubernetesClusters kubernetesClusters() {
    return new dev.gantry.activities.kubernetes.KubernetesClusters(System::getenv);
  }

  @Bean
  dev.gantry.activities.kubernetes.KubernetesTarget kubernetesTarget(
      dev.gantry.activities.kubernetes.KubernetesClusters clusters) {
    return new dev.gantry.activities.kubernetes.KubernetesTarget(clusters, new HealthChecker(), Clock.systemUTC());
  }

  @Bean
  RegionTrafficActivities regionTrafficActivities(AwsClients aws, RegionHealthChecks health) {
    return new RegionTrafficActivitiesImpl(health, new TrafficRouter(aws));
  }

  /** Progressive rollouts: dark launch and traffic weights on the targets that can split traffic. */
  @Bean
  TrafficShiftActivities trafficShiftActivities(List<TrafficAdapter> targets) {
    return new TrafficShiftActivitiesImpl(targets);
  }

  /** The analysis after each rollout step: the Gantry metrics endpoint and CloudWatch. */
  @Bean
  AnalysisActivities analysisActivities(AwsClients aws) {
    return new MetricsAnalysis(aws, Clock.systemUTC());
  }

  @Bean
  DeploymentActivities deploymentActivities(List<TargetAdapter> targets) {
    return new DeploymentActivitiesImpl(targets);
  }

  @Bean
  ApproverDirectoryActivities approverDirectoryActivities() {
    return new FileApproverDirectory();
  }

  @Bean
  QualityGateActivities qualityGateActivities() {
    return new QualityGateActivitiesImpl();
  }

  @Bean
  DeploymentWindowActivities deploymentWindowActivities() {
    return new DeploymentWindowActivitiesImpl();
  }

  /** Credentials (ServiceNow token, webhook URLs) are read from the worker's environment, by name. */
  @Bean
  ChangeBoardActivities changeBoardActivities() {
    return ChangeBoardActivitiesImpl.standard(System::getenv);
  }

  /**
   * Split: the Admin API key and SDK keys come from the worker's environment, by the variable names the
   * environment's {@code flags.split} section gives (read through Spring's environment, so a property of
   * the same name, e.g. from a mounted secrets file, works too); SDK-key factories live as long as the worker.
   */
  @Bean(destroyMethod = "close")
  FeatureFlagActivities featureFlagActivities(org.springframework.core.env.Environment environment,
      PolicyActivitiesImpl policy) {
    return new PolicyBoundFlags(FeatureFlagActivitiesImpl.standard(environment::getProperty), policy::declaredFlags);
  }

  @Bean
  FlagAnalysisActivities flagAnalysisActivities(PolicyActivitiesImpl policy) {
    return new PolicyBoundFlags.Analysis(new FlagAnalysisActivitiesImpl(), policy::declaredFlags);
  }

  @Bean
  NotifyActivities notifyActivities() {
    return new NotifyActivitiesImpl(System::getenv);
  }

  /**
   * Keys are opened per signing from the reference in the release (a file on this worker or a KMS key);
   * passwords come from this worker's environment, by the variable name the spec gives.
   */
  @Bean
  SigningActivities signingActivities(@Value("${gantry.signing.store:.gantry/signatures}") Path store,
      @Value("${gantry.signing.revocation-ledger:}") String ledger,
      @Value("${gantry.audit.signatures-path:.gantry/audit/signatures.jsonl}") Path signatureLog,
      AuditCheckpoints auditCheckpoints) {
    // The revocation ledger: by default beside the signatures, part of the worker's state (never delete it).
    Path revocationLedger = ledger.isBlank() ? store.resolve("revocation-ledger.jsonl") : Path.of(ledger);
    return new SigningActivitiesImpl(store, revocationLedger, new SignatureAuditLog(signatureLog, auditCheckpoints),
        System::getenv,
        KmsClients::create, Clock.systemUTC());
  }

  /**
   * The worker's own audit key ({@code gantry.audit.key}: PKCS#8 PEM or cosign's encrypted key, password from
   * the variable {@code gantry.audit.key-password-env}): it signs the audit checkpoints and archived trails.
   * Required: without it the worker does not start. With {@code gantry.audit.make-key=true} (the {@code dev}
   * and {@code demo} modes) a missing key is made, by default beside the example's signing key
   * ({@code <policy>/../keys/audit-worker.key}).
   */
  @Bean
  dev.gantry.activities.signing.Signer workerAuditKey(@Value("${gantry.audit.key:}") String key,
      @Value("${gantry.audit.key-password-env:}") String passwordEnv,
      @Value("${gantry.audit.make-key:false}") boolean makeKey,
      @Value("${gantry.policy.path:}") String policy) {
    Path file;
    if (!key.isBlank()) {
      file = Path.of(key);
    } else if (makeKey && !policy.isBlank() && Path.of(policy).toAbsolutePath().normalize().getParent() != null) {
      file = Path.of(policy).toAbsolutePath().normalize().getParent().resolve("keys/audit-worker.key");
    } else {
      throw new dev.gantry.starter.spec.SpecException("the worker's configuration", List.of("gantry.audit.key is"
          + " not set: the worker signs its audit checkpoints with its own key (--gantry.audit.key=<file> or"
          + " GANTRY_AUDIT_KEY; make one with `gantry keys generate --key <file>`; see"
          + " docs/signing-key-management.md#8-the-worker-audit-key)"));
    }
    char[] password = passwordEnv.isBlank() || System.getenv(passwordEnv) == null ? null
        : System.getenv(passwordEnv).toCharArray();
    try {
      return WorkerAuditKey.load(file, password, makeKey);
    } catch (IllegalStateException | dev.gantry.activities.signing.KeyFileException e) {
      throw new dev.gantry.starter.spec.SpecException("the worker's configuration", List.of(e.getMessage()));
    }
  }

  /**
   * The signed checkpoints of the worker's trails ({@code checkpoints.jws} beside {@code gantry.audit.path}):
   * every {@code gantry.audit.checkpoint-every} appends and at the end of each release.
   */
  @Bean
  AuditCheckpoints auditCheckpoints(@Value("${gantry.audit.path:.gantry/audit/audit.jsonl}") Path auditLog,
      @Value("${gantry.audit.checkpoint-every:100}") int every, dev.gantry.activities.signing.Signer workerAuditKey) {
    return new AuditCheckpoints(auditLog.toAbsolutePath().resolveSibling(AuditCheckpoints.FILE_NAME),
        workerAuditKey, every, Clock.systemUTC());
  }

  /**
   * Environment stores (config, drift reads, stacks, registry) for every target type. Secrets are resolved
   * from this worker's environment ({@code env:NAME}) or SSM ({@code ssm:/path}); archives of destroyed
   * environments go to {@code gantry.environments.archive}.
   */
  @Bean
  dev.gantry.workflows.api.environment.EnvironmentActivities environmentActivities(AwsClients aws,
      dev.gantry.activities.kubernetes.KubernetesClusters kubernetes,
      @Value("${gantry.audit.path:.gantry/audit/audit.jsonl}") Path auditLog,
      @Value("${gantry.environments.archive:.gantry/archive}") Path archive,
      dev.gantry.activities.signing.Signer workerAuditKey) {
    var secrets = new dev.gantry.activities.environment.SecretReferences(System::getenv, aws);
    return new dev.gantry.activities.environment.EnvironmentActivitiesImpl(List.of(
        new dev.gantry.activities.environment.LocalEnvironments(secrets),
        new dev.gantry.activities.environment.AwsEnvironments(aws, secrets),
        new dev.gantry.activities.kubernetes.KubernetesEnvironments(kubernetes)), auditLog, archive, workerAuditKey);
  }

  /** Which releases run in an environment: a visibility query through this worker's own client. */
  @Bean
  dev.gantry.workflows.api.environment.ReleaseLookupActivities releaseLookupActivities(
      @org.springframework.context.annotation.Lazy io.temporal.client.WorkflowClient client) {
    return new dev.gantry.activities.environment.RunningReleasesLookup(client);
  }

  /** Deletes a destroyed environment's schedules (drift, expiry) through this worker's own client. */
  @Bean
  dev.gantry.workflows.api.environment.ScheduleActivities scheduleActivities(
      @org.springframework.context.annotation.Lazy io.temporal.client.WorkflowClient client) {
    return new dev.gantry.activities.environment.EnvironmentScheduleCleaner(client);
  }

  /** Whether the release holding an environment's lock still runs (a terminated one never says it left). */
  @Bean
  dev.gantry.workflows.api.lock.LockActivities lockActivities(
      @org.springframework.context.annotation.Lazy io.temporal.client.WorkflowClient client) {
    return new dev.gantry.workflows.lock.LockHolderLookup(client);
  }

  @Bean
  AuditActivities auditActivities(@Value("${gantry.audit.path:.gantry/audit/audit.jsonl}") Path auditLog,
      @Value("${gantry.reviews.path:.gantry/reviews}") Path reviews, AuditCheckpoints auditCheckpoints) {
    return new JsonlAuditLog(auditLog, reviews, auditCheckpoints);
  }
}
