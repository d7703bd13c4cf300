package dev.gantry.activities.aws;

import dev.gantry.activities.deploy.Heartbeats;
import dev.gantry.activities.deploy.TargetAdapter;
import dev.gantry.workflows.api.deploy.DeployRequest;
import dev.gantry.workflows.api.deploy.DeployResult;
import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.temporal.Failures;
import dev.gantry.workflows.api.deploy.HealthCheckRequest;
import dev.gantry.workflows.api.deploy.HealthCheckResult;
import dev.gantry.workflows.api.deploy.RecordDeploymentRequest;
import dev.gantry.workflows.api.deploy.RecordDeploymentResult;
import dev.gantry.workflows.api.deploy.RollbackRequest;
import dev.gantry.workflows.api.deploy.RollbackResult;
import dev.gantry.workflows.api.aws.AwsTarget;
import dev.gantry.workflows.api.aws.EcsSettings;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DeploymentRolloutState;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.SortOrder;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionField;

/**
 * The {@code ecs} target: register a revision of the service's task definition whose container runs the
 * release's image by digest, update the service, and wait (heartbeating) until it is steady. The new
 * revision carries tags {@code gantry-release}, {@code gantry-version} and {@code gantry-previous} (the
 * task definition it replaced): a retry finds its revision, a rollback knows where to go back to.
 */
public class EcsTarget implements TargetAdapter {
  private static final Logger log = LoggerFactory.getLogger(EcsTarget.class);
  static final String RELEASE_TAG = "gantry-release";
  static final String VERSION_TAG = "gantry-version";
  static final String PREVIOUS_TAG = "gantry-previous";

  private final AwsClients clients;
  private final RegionHealthChecks health;

  public EcsTarget(AwsClients clients, RegionHealthChecks health) {
    this.clients = clients;
    this.health = health;
  }

  @Override
  public String type() {
    return DeployTarget.ECS;
  }

  @Override
  public DeployResult deploy(DeployRequest request) {
    AwsTarget aws = AwsTargets.require(request.target(), request.environment(), request.region());
    EcsSettings settings = ecsOf(aws, request.environment());
    if (request.artifact().isFile()) {
      throw ApplicationFailure.newNonRetryableFailure("the ecs target deploys images; artifact "
          + request.artifact().location() + " is a file", Failures.UNSUPPORTED_TARGET);
    }
    String image = imageByDigest(request);
    String region = request.region();
    EcsClient ecs = clients.ecs(region);
    Service service = service(ecs, settings, region);
    AwsTargets.requireAccount(aws, service.serviceArn(), "service " + settings.service() + " in " + region);
    Revision current = describe(ecs, service.taskDefinition(), region);
    if (image.equals(imageOf(current.definition(), settings))) {
      boolean ours = request.releaseId().equals(current.tags().get(RELEASE_TAG));
      awaitSteady(ecs, settings, region, current.arn());
      return new DeployResult(ours ? labelOf(ecs, current.tags().get(PREVIOUS_TAG), region) : null, !ours,
          current.arn());
    }
    String revision = findOwnRevision(ecs, current, image, request.releaseId(), region)
        .orElseGet(() -> register(ecs, current, settings, image, request, region));
    String what = "update service " + settings.service() + " in " + region + " to " + revision;
    AwsErrors.call(what, () -> ecs.updateService(b -> b.cluster(settings.cluster())
        .service(settings.service()).taskDefinition(revision)));
    awaitSteady(ecs, settings, region, revision);
    String previous = label(current);
    log.info("deployed release={} env={} region={} service={} taskDefinition={} previous={}",
        request.releaseId(), request.environment(), region, settings.service(), revision, previous);
    return new DeployResult(previous, false, revision);
  }

  @Override
  public HealthCheckResult checkHealth(HealthCheckRequest request) {
    AwsTarget aws = AwsTargets.require(request.target(), request.environment(), request.region());
    EcsSettings settings = ecsOf(aws, request.environment());
    EcsClient ecs = clients.ecs(request.region());
    Revision current = describe(ecs, service(ecs, settings, request.region()).taskDefinition(), request.region());
    if (!request.version().equals(current.tags().get(VERSION_TAG))) {
      throw ApplicationFailure.newFailure("service " + settings.service() + " in " + request.region()
          + " runs " + label(current) + ", not " + request.version(), Failures.UNHEALTHY);
    }
    return HealthWatch.healthyFor(health, aws, request, Map.of("GANTRY_SERVICE", settings.service()));
  }

  @Override
  public RollbackResult rollback(RollbackRequest request) {
    AwsTarget aws = AwsTargets.require(request.target(), request.environment(), request.region());
    EcsSettings settings = ecsOf(aws, request.environment());
    String region = request.region();
    EcsClient ecs = clients.ecs(region);
    Revision current = describe(ecs, service(ecs, settings, region).taskDefinition(), region);
    if (!request.version().equals(current.tags().get(VERSION_TAG))
        || !request.releaseId().equals(current.tags().get(RELEASE_TAG))) {
      return new RollbackResult(false, label(current));
    }
    String previous = current.tags().get(PREVIOUS_TAG);
    if (previous == null) {
      throw AwsErrors.missing("cannot roll back " + settings.service() + " in " + region + ": "
          + current.arn() + " has no " + PREVIOUS_TAG + " tag; update the service by hand");
    }
    AwsErrors.call("roll back service " + settings.service() + " in " + region + " to " + previous,
        () -> ecs.updateService(b -> b.cluster(settings.cluster()).service(settings.service())
            .taskDefinition(previous)));
    String restored = labelOf(ecs, previous, region);
    log.warn("rolled back release={} env={} region={} service={} to={} reason={}", request.releaseId(),
        request.environment(), region, settings.service(), restored, request.reason());
    return new RollbackResult(true, restored);
  }

  @Override
  public RecordDeploymentResult recordDeployment(RecordDeploymentRequest request) {
    // The tagged task definitions are the record; nothing else to write.
    return new RecordDeploymentResult("ecs task definitions tagged " + VERSION_TAG + "=" + request.version());
  }

  record Revision(String arn, TaskDefinition definition, Map<String, String> tags) {}

  private static EcsSettings ecsOf(AwsTarget aws, String environment) {
    EcsSettings ecs = aws.ecs();
    if (ecs == null || ecs.cluster() == null || ecs.service() == null || ecs.containerName() == null) {
      throw AwsErrors.invalid("target.aws.ecs needs cluster, service and containerName for " + environment);
    }
    return ecs;
  }

  private static Service service(EcsClient ecs, EcsSettings settings, String region) {
    var response = AwsErrors.call("describe service " + settings.service() + " in " + region,
        () -> ecs.describeServices(b -> b.cluster(settings.cluster()).services(settings.service())));
    return response.services().stream().filter(s -> !"INACTIVE".equals(s.status())).findFirst()
        .orElseThrow(() -> AwsErrors.missing("ECS service " + settings.service() + " does not exist in cluster "
            + settings.cluster() + " in " + region + ": create it first, or fix target.aws.ecs"));
  }

  private static Revision describe(EcsClient ecs, String arn, String region) {
    DescribeTaskDefinitionResponse response = AwsErrors.call("describe task definition " + arn + " in " + region,
        () -> ecs.describeTaskDefinition(b -> b.taskDefinition(arn).include(TaskDefinitionField.TAGS)));
    Map<String, String> tags = new java.util.LinkedHashMap<>();
    response.tags().forEach(tag -> tags.put(tag.key(), tag.value()));
    return new Revision(response.taskDefinition().taskDefinitionArn(), response.taskDefinition(), tags);
  }

  private static final java.util.regex.Pattern REPOSITORY =
      java.util.regex.Pattern.compile("[a-z0-9]([a-z0-9._-]*[a-z0-9])?(:[0-9]+)?(/[a-z0-9]([a-z0-9._/-]*[a-z0-9])?)+");
  private static final java.util.regex.Pattern SHA256 = java.util.regex.Pattern.compile("sha256:[0-9a-f]{64}");

  /**
   * {@code repository@sha256:<hex>}, the only form the task definition gets: the digest is what was signed
   * and verified, and a registry serves exactly those bytes for it. A location carrying a tag or a digest
   * of its own is refused (ECS would pull {@code repo:tag@digest} by digest, but a tag beside it says
   * something the release did not verify).
   */
  static String imageByDigest(DeployRequest request) {
    String repository = request.artifact().location();
    String digest = request.artifact().digest();
    if (repository == null || !REPOSITORY.matcher(repository).matches() || repository.endsWith("/")
        || repository.substring(repository.lastIndexOf('/')).contains(":")) {
      throw ApplicationFailure.newNonRetryableFailure("the ecs target deploys an image by digest: artifact"
          + " location must be a repository without tag or digest (host/path), got '"
          + dev.gantry.workflows.api.input.Names.shown(repository) + "'", Failures.UNSUPPORTED_TARGET);
    }
    if (digest == null || !SHA256.matcher(digest).matches()) {
      throw ApplicationFailure.newNonRetryableFailure("the ecs target deploys an image by digest: the artifact's"
          + " digest must be sha256:<64 lowercase hex>", Failures.UNSUPPORTED_TARGET);
    }
    return repository + "@" + digest;
  }

  private static String imageOf(TaskDefinition definition, EcsSettings settings) {
    return definition.containerDefinitions().stream().filter(c -> settings.containerName().equals(c.name()))
        .map(ContainerDefinition::image).findFirst().orElse(null);
  }

  /** A revision an earlier attempt of this deploy registered (it crashed before updating the service). */
  private static Optional<String> findOwnRevision(EcsClient ecs, Revision current, String image, String releaseId,
      String region) {
    List<String> recent = AwsErrors.call("list task definitions of " + current.definition().family(),
        () -> ecs.listTaskDefinitions(b -> b.familyPrefix(current.definition().family()).sort(SortOrder.DESC)
            .maxResults(10)).taskDefinitionArns());
    for (String arn : recent) {
      Revision revision = describe(ecs, arn, region);
      if (releaseId.equals(revision.tags().get(RELEASE_TAG))
          && revision.definition().containerDefinitions().stream().anyMatch(c -> image.equals(c.image()))) {
        return Optional.of(arn);
      }
    }
    return Optional.empty();
  }

  private static String register(EcsClient ecs, Revision current, EcsSettings settings, String image,
      DeployRequest request, String region) {
    TaskDefinition from = current.definition();
    if (imageOf(from, settings) == null) {
      throw AwsErrors.invalid("task definition " + current.arn() + " has no container named "
          + settings.containerName() + ": fix target.aws.ecs.containerName");
    }
    List<ContainerDefinition> containers = from.containerDefinitions().stream()
        .map(c -> settings.containerName().equals(c.name()) ? c.toBuilder().image(image).build() : c)
        .toList();
    return AwsErrors.call("register a task definition for " + request.version() + " in " + region,
        () -> ecs.registerTaskDefinition(b -> b.family(from.family())
            .containerDefinitions(containers)
            .taskRoleArn(from.taskRoleArn())
            .executionRoleArn(from.executionRoleArn())
            .networkMode(from.networkMode())
            .requiresCompatibilities(from.requiresCompatibilities())
            .cpu(from.cpu())
            .memory(from.memory())
            .volumes(from.volumes())
            .tags(Tag.builder().key(RELEASE_TAG).value(request.releaseId()).build(),
                Tag.builder().key(VERSION_TAG).value(request.version()).build(),
                Tag.builder().key(PREVIOUS_TAG).value(current.arn()).build()))
            .taskDefinition().taskDefinitionArn());
  }

  /**
   * Steady: the service runs the revision in a single deployment that completed (or whose running count
   * reached the desired count). Heartbeats while it waits; a failed rollout is final.
   */
  private static void awaitSteady(EcsClient ecs, EcsSettings settings, String region, String revision) {
    long deadline = System.nanoTime() + settings.steadyStateTimeoutSecondsOrDefault() * 1_000_000_000L;
    for (int attempt = 0; ; attempt++) {
      Service service = service(ecs, settings, region);
      List<Deployment> deployments = service.deployments();
      Optional<Deployment> failed = deployments.stream()
          .filter(d -> d.rolloutState() == DeploymentRolloutState.FAILED).findFirst();
      if (failed.isPresent()) {
        throw ApplicationFailure.newNonRetryableFailure("the rollout of " + revision + " in " + region
            + " failed: " + failed.get().rolloutStateReason(), Failures.REGION_FAILED);
      }
      boolean steady = revision.equals(service.taskDefinition()) && deployments.size() <= 1
          && deployments.stream().allMatch(d -> d.rolloutState() == DeploymentRolloutState.COMPLETED
              || d.runningCount().equals(d.desiredCount()));
      if (steady) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw ApplicationFailure.newFailure("service " + settings.service() + " in " + region + " is not steady"
            + " after " + settings.steadyStateTimeoutSecondsOrDefault() + "s (" + deployments.size()
            + " deployment(s), running " + service.runningCount() + " of " + service.desiredCount() + ")",
            Failures.UNHEALTHY);
      }
      Heartbeats.progress("waiting for " + settings.service() + " in " + region + " to be steady: running "
          + service.runningCount() + " of " + service.desiredCount());
      LambdaTarget.sleep(Math.min(15_000, 1_000L * (attempt + 1)));
    }
  }

  private static String label(Revision revision) {
    String version = revision.tags().get(VERSION_TAG);
    String name = revision.definition().family() + ":" + revision.definition().revision();
    return version == null ? name : version;
  }

  private static String labelOf(EcsClient ecs, String arn, String region) {
    return arn == null ? null : label(describe(ecs, arn, region));
  }
}
