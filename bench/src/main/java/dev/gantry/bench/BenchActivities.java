package dev.gantry.bench;

import dev.gantry.activities.analysis.MetricsAnalysis;
import dev.gantry.activities.audit.JsonlAuditLog;
import dev.gantry.activities.audit.SignatureAuditLog;
import dev.gantry.activities.aws.AwsClients;
import dev.gantry.activities.aws.AwsSettings;
import dev.gantry.activities.aws.RegionHealthChecks;
import dev.gantry.activities.aws.RegionTrafficActivitiesImpl;
import dev.gantry.activities.aws.TrafficRouter;
import dev.gantry.activities.cab.ChangeBoardActivitiesImpl;
import dev.gantry.activities.deploy.DeploymentActivitiesImpl;
import dev.gantry.activities.deploy.TargetAdapter;
import dev.gantry.activities.deploy.TrafficAdapter;
import dev.gantry.activities.deploy.TrafficShiftActivitiesImpl;
import dev.gantry.activities.directory.FileApproverDirectory;
import dev.gantry.activities.environment.AwsEnvironments;
import dev.gantry.activities.environment.EnvironmentActivitiesImpl;
import dev.gantry.activities.environment.EnvironmentAdapter;
import dev.gantry.activities.environment.EnvironmentScheduleCleaner;
import dev.gantry.activities.environment.LocalEnvironments;
import dev.gantry.activities.environment.RunningReleasesLookup;
import dev.gantry.activities.environment.SecretReferences;
import dev.gantry.activities.flags.FeatureFlagActivitiesImpl;
import dev.gantry.activities.flags.FlagAnalysisActivitiesImpl;
import dev.gantry.activities.local.HealthChecker;
import dev.gantry.activities.local.LocalTarget;
import dev.gantry.activities.notify.NotifyActivitiesImpl;
import dev.gantry.activities.quality.QualityGateActivitiesImpl;
import dev.gantry.activities.signing.KmsClients;
import dev.gantry.activities.signing.SigningActivitiesImpl;
import dev.gantry.activities.window.DeploymentWindowActivitiesImpl;
import dev.gantry.workflows.WorkerCatalogue;
import dev.gantry.workflows.api.audit.AuditActivities;
import dev.gantry.workflows.api.deploy.DeploymentActivities;
import dev.gantry.workflows.api.policy.PolicyActivities;
import dev.gantry.workflows.api.rollback.RollbackPolicyActivities;
import dev.gantry.workflows.lock.LockHolderLookup;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The one list of activity implementations every benchmark's worker hosts: one of each interface
 * {@link WorkerCatalogue} lists, built as the production worker builds them ({@code WorkerConfiguration}), with
 * state in the benchmark's work folder. A benchmark replaces only what it measures or fakes (the plan, the audit
 * log, the deployment targets, the environment stores); everything else is there, so a release that reaches a
 * step its benchmark did not think of (a canary step, a flag, an environment config) runs it instead of failing
 * with {@code Activity Type "Rollout.deployDark" is not registered}. {@link #register} refuses a worker that lacks
 * anything the catalogue lists.
 */
final class BenchActivities {
  private final Path work;
  private final WorkflowClient client;
  /** Resolves plans and rollbacks: one object for both interfaces, as {@code PolicyActivitiesImpl} is. */
  private Object policy = new PlanAsGiven();
  private AuditActivities audit;
  private List<? extends TargetAdapter> targets;
  private UnaryOperator<DeploymentActivities> deployments = UnaryOperator.identity();
  private List<EnvironmentAdapter> environments;
  private AwsClients aws;

  private BenchActivities(Path work, WorkflowClient client) {
    this.work = work;
    this.client = client;
  }

  /** Everything with its defaults: plans as given, a JSONL audit log and local targets under {@code work}. */
  static BenchActivities in(Path work, WorkflowClient client) {
    return new BenchActivities(work, client);
  }

  /** The real policy resolver (plans from a policy directory) instead of {@link PlanAsGiven}. */
  <P extends PolicyActivities & RollbackPolicyActivities> BenchActivities policy(P policy) {
    this.policy = policy;
    return this;
  }

  BenchActivities audit(AuditActivities audit) {
    this.audit = audit;
    return this;
  }

  /** Deployment targets; those that can split traffic also serve the canary steps. Default: local. */
  BenchActivities targets(List<? extends TargetAdapter> targets) {
    this.targets = targets;
    return this;
  }

  /** A decorator around the real deployment activities (the probes that time them). */
  BenchActivities deployments(UnaryOperator<DeploymentActivities> decorator) {
    this.deployments = decorator;
    return this;
  }

  /** Environment stores. Default: local and AWS, as the production worker has. */
  BenchActivities environments(List<EnvironmentAdapter> environments) {
    this.environments = environments;
    return this;
  }

  /** The AWS clients (moto) for the AWS adapters. Default: the SDK's chain, never called by local releases. */
  BenchActivities aws(AwsClients aws) {
    this.aws = aws;
    return this;
  }

  /** An implementation of every activity interface {@link WorkerCatalogue} lists. */
  List<Object> list() {
    AwsClients clients = aws != null ? aws : new AwsClients(new AwsSettings(null, null, null));
    List<? extends TargetAdapter> deployTo = targets != null ? targets
        : List.of(new LocalTarget(new HealthChecker(), Clock.systemUTC()));
    List<TrafficAdapter> traffic = deployTo.stream().filter(TrafficAdapter.class::isInstance)
        .map(TrafficAdapter.class::cast).toList();
    SecretReferences secrets = new SecretReferences(System::getenv, clients);
    List<EnvironmentAdapter> stores = environments != null ? environments
        : List.of(new LocalEnvironments(secrets), new AwsEnvironments(clients, secrets));
    Path auditLog = work.resolve("audit/audit.jsonl");
    RegionHealthChecks health = new RegionHealthChecks(clients, new HealthChecker());
    return List.of(
        policy,
        audit != null ? audit : new JsonlAuditLog(auditLog, work.resolve("reviews")),
        deployments.apply(new DeploymentActivitiesImpl(List.copyOf(deployTo))),
        new TrafficShiftActivitiesImpl(traffic),
        new MetricsAnalysis(clients, Clock.systemUTC()),
        new RegionTrafficActivitiesImpl(health, new TrafficRouter(clients)),
        new FileApproverDirectory(),
        new QualityGateActivitiesImpl(),
        new DeploymentWindowActivitiesImpl(),
        ChangeBoardActivitiesImpl.standard(System::getenv),
        new NotifyActivitiesImpl(System::getenv),
        new SigningActivitiesImpl(work.resolve("signatures"),
            new SignatureAuditLog(work.resolve("audit/signatures.jsonl")), System::getenv,
            KmsClients::create, Clock.systemUTC()),
        new EnvironmentActivitiesImpl(stores, auditLog, work.resolve("archive")),
        new RunningReleasesLookup(client),
        new EnvironmentScheduleCleaner(client),
        new LockHolderLookup(client),
        FeatureFlagActivitiesImpl.standard(System::getenv),
        new FlagAnalysisActivitiesImpl());
  }

  /** Every workflow of the catalogue and {@link #list()} on {@code worker}; fails if anything is missing. */
  void registerOn(Worker worker) {
    WorkerCatalogue.register(worker, list());
  }
}
