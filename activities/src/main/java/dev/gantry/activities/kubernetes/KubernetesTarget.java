package dev.gantry.activities.kubernetes;

import dev.gantry.activities.deploy.DeployedRecord;
import dev.gantry.activities.deploy.Heartbeats;
import dev.gantry.activities.deploy.TargetAdapter;
import dev.gantry.activities.deploy.TrafficAdapter;
import dev.gantry.activities.local.HealthChecker;
import dev.gantry.workflows.api.deploy.DeployRequest;
import dev.gantry.workflows.api.deploy.DeployResult;
import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.deploy.HealthCheck;
import dev.gantry.workflows.api.deploy.HealthCheckRequest;
import dev.gantry.workflows.api.deploy.HealthCheckResult;
import dev.gantry.workflows.api.deploy.RecordDeploymentRequest;
import dev.gantry.workflows.api.deploy.RecordDeploymentResult;
import dev.gantry.workflows.api.deploy.RollbackRequest;
import dev.gantry.workflows.api.deploy.RollbackResult;
import dev.gantry.workflows.api.input.Names;
import dev.gantry.workflows.api.kubernetes.ClusterSettings;
import dev.gantry.workflows.api.kubernetes.KubernetesSettings;
import dev.gantry.workflows.api.rollout.WeightRequest;
import dev.gantry.workflows.api.rollout.WeightResult;
import dev.gantry.workflows.api.temporal.Failures;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.temporal.failure.ApplicationFailure;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code kubernetes} target: in each region's cluster (from policy), set the container of each Deployment
 * policy names to the release's image <em>by digest</em>, and wait (heartbeating) until the rollout completes.
 *
 * <p>What ran is in the Deployment's own history: the pod template carries the annotations
 * {@code gantry.dev/release}, {@code gantry.dev/version} and {@code gantry.dev/digest}, so every ReplicaSet (a
 * revision) says which release made it, and {@code kubernetes.io/change-cause} says it in
 * {@code kubectl rollout history}. A retried deploy finds its own template and only waits.
 *
 * <p>Rollback restores the pod template of the previous ReplicaSet (the highest revision below the current
 * one), as {@code kubectl rollout undo} does: image, environment and every other field the previous revision
 * ran with, not only its image. It changes only a Deployment whose template this release set, so it can be
 * registered before the deploy and retried at will.
 *
 * <p>Progressive rollouts (canary, linear, blue-green) run by replica ratio beside a second Deployment, behind
 * the Service policy names: {@link KubernetesCanary}.
 */
public class KubernetesTarget implements TargetAdapter, TrafficAdapter {
  private static final Logger log = LoggerFactory.getLogger(KubernetesTarget.class);
  static final String RELEASE = "gantry.dev/release";
  static final String VERSION = "gantry.dev/version";
  static final String DIGEST = "gantry.dev/digest";
  /** On the Deployment: the release a rollback undid (a retried rollback finds it and only waits). */
  static final String ROLLED_BACK = "gantry.dev/rolled-back-release";
  static final String CHANGE_CAUSE = "kubernetes.io/change-cause";
  static final String REVISION = "deployment.kubernetes.io/revision";
  /** The label the Deployment controller adds to each ReplicaSet's template; not part of the Deployment's. */
  static final String POD_TEMPLATE_HASH = "pod-template-hash";
  /** A rollback gets the deploy's wait, but within the rollback activity's 5 minutes. */
  static final int MAX_ROLLBACK_WAIT_SECONDS = 240;

  private static final Pattern REPOSITORY =
      Pattern.compile("[a-z0-9]([a-z0-9._-]*[a-z0-9])?(:[0-9]+)?(/[a-z0-9]([a-z0-9._/-]*[a-z0-9])?)+");
  private static final Pattern SHA256 = Pattern.compile("sha256:[0-9a-f]{64}");

  private final KubernetesClusters clusters;
  private final HealthChecker healthChecker;
  private final Clock clock;

  public KubernetesTarget(KubernetesClusters clusters, HealthChecker healthChecker, Clock clock) {
    this.clusters = clusters;
    this.healthChecker = healthChecker;
    this.clock = clock;
  }

  @Override
  public String type() {
    return DeployTarget.KUBERNETES;
  }

  @Override
  public DeployResult deploy(DeployRequest request) {
    String region = request.region();
    KubernetesSettings settings = settingsOf(request.target(), request.environment());
    ClusterSettings cluster = clusterOf(settings, request.environment(), region);
    String image = imageByDigest(request);
    try (KubernetesClient client = clusters.open(region, cluster)) {
      Rollout rollout = new Rollout(client, region, cluster);
      String previous = null;
      boolean allCurrent = true;
      List<String> locations = new ArrayList<>();
      for (String name : cluster.deployments()) {
        Deployment deployment = rollout.read(name);
        Container container = rollout.container(deployment);
        Map<String, String> template = annotations(deployment.getSpec().getTemplate());
        String before = labelOf(template, container.getImage());
        if (image.equals(container.getImage())) {
          boolean ours = request.releaseId().equals(template.get(RELEASE));
          allCurrent &= !ours;
          if (ours && previous == null) {
            previous = previousLabel(rollout, deployment);
          }
        } else {
          allCurrent = false;
          previous = previous == null ? before : previous;
          setImage(rollout, name, image, Stamp.of(request), null);
          log.info("deploying release={} env={} region={} deployment={}/{} image={} previous={}",
              request.releaseId(), request.environment(), region, cluster.namespace(), name, image, before);
        }
        locations.add("deployment/" + name);
      }
      List<String> revisions = rollout.awaitAll(cluster.deployments(), settings.rolloutTimeoutSecondsOrDefault(),
          "rollout of " + request.version());
      return new DeployResult(previous, allCurrent, String.join(", ", locations) + " in " + cluster.namespace()
          + " of " + cluster.apiServer() + " (revision " + String.join(", ", revisions) + ")");
    }
  }

  @Override
  public HealthCheckResult checkHealth(HealthCheckRequest request) {
    String region = request.region();
    KubernetesSettings settings = settingsOf(request.target(), request.environment());
    ClusterSettings cluster = clusterOf(settings, request.environment(), region);
    List<String> seen = new ArrayList<>();
    try (KubernetesClient client = clusters.open(region, cluster)) {
      Rollout rollout = new Rollout(client, region, cluster);
      for (String name : cluster.deployments()) {
        Deployment deployment = rollout.read(name);
        String version = annotations(deployment.getSpec().getTemplate()).get(VERSION);
        if (!request.version().equals(version)) {
          throw ApplicationFailure.newFailure("deployment/" + name + " in " + region + " runs "
              + labelOf(annotations(deployment.getSpec().getTemplate()), rollout.container(deployment).getImage())
              + ", not " + request.version(), Failures.UNHEALTHY);
        }
        String unhealthy = Rollout.unhealthy(deployment);
        if (unhealthy != null) {
          throw ApplicationFailure.newFailure("deployment/" + name + " in " + region + " is not healthy: "
              + unhealthy, Failures.UNHEALTHY);
        }
        seen.add("deployment/" + name + " " + available(deployment) + "/" + desired(deployment) + " available");
      }
    }
    String detail = String.join(", ", seen) + " in " + region;
    return withOwnCheck(request, cluster, detail, Map.of("GANTRY_DEPLOYMENTS", String.join(",", cluster.deployments())));
  }

  /** The environment's {@code healthCheck} command or URL, when policy gives one, after the cluster's own state. */
  private HealthCheckResult withOwnCheck(HealthCheckRequest request, ClusterSettings cluster, String detail,
      Map<String, String> more) {
    HealthCheck check = request.healthCheck();
    if (check == null || (!notBlank(check.command()) && !notBlank(check.url()))) {
      return new HealthCheckResult(true, detail);
    }
    Map<String, String> env = new LinkedHashMap<>();
    env.put("GANTRY_APPLICATION", request.application());
    env.put("GANTRY_VERSION", request.version());
    env.put("GANTRY_ENVIRONMENT", request.environment());
    env.put("GANTRY_REGION", request.region());
    env.put("GANTRY_NAMESPACE", cluster.namespace());
    env.putAll(more);
    HealthCheckResult own = healthChecker.check(check, null, env);
    return new HealthCheckResult(own.healthy(), detail + "; " + own.detail());
  }

  /**
   * The dark launch of a progressive rollout: the release's image in {@code <deployment>-canary}, one replica,
   * with the Service pinned to the stable pods, rolled out ({@link KubernetesCanary}). A Deployment that already
   * runs the digest (this release promoted it, or another release deployed it) is already current.
   */
  @Override
  public DeployResult deployDark(DeployRequest request) {
    String image = imageByDigest(request);
    return inCluster(request.target(), request.environment(), request.region(), (settings, rollout) -> {
      KubernetesCanary canary = new KubernetesCanary(rollout);
      Deployment stable = canary.stable();
      if (image.equals(rollout.container(stable).getImage())) {
        boolean ours = request.releaseId().equals(annotations(stable.getSpec().getTemplate()).get(RELEASE));
        return new DeployResult(ours ? previousLabel(rollout, stable) : null, true, "deployment/"
            + stable.getMetadata().getName() + " already runs " + request.version() + " in " + rollout.region);
      }
      String previous = canary.stableLabel();
      String detail = canary.launchDark(request, image, settings.rolloutTimeoutSecondsOrDefault());
      return new DeployResult(previous, false, detail);
    });
  }

  /** The canary's own state (rolled out, available) and the environment's health check, told it is the canary. */
  @Override
  public HealthCheckResult smokeCheck(HealthCheckRequest request) {
    String region = request.region();
    KubernetesSettings settings = settingsOf(request.target(), request.environment());
    ClusterSettings cluster = clusterOf(settings, request.environment(), region);
    String name = KubernetesCanary.stableDeployment(cluster, region) + KubernetesCanary.SUFFIX;
    String detail = inCluster(settings, cluster, region, (unused, rollout) -> {
      Deployment canary = rollout.readIfExists(name);
      if (canary == null || !request.version().equals(annotations(canary.getSpec().getTemplate()).get(VERSION))) {
        throw ApplicationFailure.newNonRetryableFailure("no canary of " + request.version() + " in region " + region
            + " (deployment/" + name + ") to smoke check", Failures.REGION_FAILED);
      }
      String unhealthy = Rollout.unhealthy(canary);
      if (unhealthy != null) {
        throw ApplicationFailure.newFailure("deployment/" + name + " in " + region + " is not healthy: "
            + unhealthy, Failures.UNHEALTHY);
      }
      return "deployment/" + name + " " + available(canary) + "/" + desired(canary) + " available in " + region;
    });
    return withOwnCheck(request, cluster, detail, Map.of("GANTRY_DEPLOYMENTS", name, "GANTRY_TRACK", "canary",
        "GANTRY_SERVICE", cluster.service(), "GANTRY_DARK", "true"));
  }

  /**
   * Below 100: the canary's share of the Service's pods ({@link KubernetesCanary#shift}), reported as it is in
   * whole replicas. 100: promotion, the stable Deployment takes the canary's template and the canary goes.
   */
  @Override
  public WeightResult setWeight(WeightRequest request) {
    return inCluster(request.target(), request.environment(), request.region(), (settings, rollout) -> {
      int timeout = settings.rolloutTimeoutSecondsOrDefault();
      KubernetesCanary canary = new KubernetesCanary(rollout);
      String service = "service/" + rollout.cluster.service();
      if (request.weight() < 100) {
        int share = canary.shift(request.releaseId(), request.weight(), timeout);
        return new WeightResult(share, canary.stableLabel(), "deployment/" + canary.canaryName() + " serves " + share
            + "% of " + service + "'s pods in " + rollout.region);
      }
      canary.promote(new Stamp(request.releaseId(), request.application(), request.version(), null), timeout);
      return new WeightResult(100, request.version(), "deployment/" + rollout.cluster.deployments().get(0) + " runs "
          + request.version() + " behind " + service + " in " + rollout.region + "; canary removed");
    });
  }

  /** A call about one region's cluster: its settings from policy and a client logged in to it. */
  interface ClusterCall<T> {
    T call(KubernetesSettings settings, Rollout rollout);
  }

  private <T> T inCluster(DeployTarget target, String environment, String region, ClusterCall<T> call) {
    KubernetesSettings settings = settingsOf(target, environment);
    return inCluster(settings, clusterOf(settings, environment, region), region, call);
  }

  private <T> T inCluster(KubernetesSettings settings, ClusterSettings cluster, String region, ClusterCall<T> call) {
    try (KubernetesClient client = clusters.open(region, cluster)) {
      return call.call(settings, new Rollout(client, region, cluster));
    }
  }

  @Override
  public RollbackResult rollback(RollbackRequest request) {
    String region = request.region();
    KubernetesSettings settings = settingsOf(request.target(), request.environment());
    ClusterSettings cluster = clusterOf(settings, request.environment(), region);
    try (KubernetesClient client = clusters.open(region, cluster)) {
      Rollout rollout = new Rollout(client, region, cluster);
      KubernetesCanary canary = KubernetesCanary.applies(cluster) ? new KubernetesCanary(rollout) : null;
      Integer replicasBack = canary == null ? null : canary.beforeRollback(request.releaseId());
      boolean changed = replicasBack != null;
      String restored = null;
      List<String> waitFor = new ArrayList<>();
      for (String name : cluster.deployments()) {
        Deployment deployment = rollout.readIfExists(name);
        if (deployment == null) {
          continue; // nothing of ours can run in a Deployment that is not there
        }
        Map<String, String> template = annotations(deployment.getSpec().getTemplate());
        boolean ours = request.releaseId().equals(template.get(RELEASE))
            && request.version().equals(template.get(VERSION));
        boolean undoneEarlier = request.releaseId().equals(annotations(deployment).get(ROLLED_BACK));
        if (!ours && !undoneEarlier) {
          restored = restored == null ? labelOf(template, rollout.container(deployment).getImage()) : restored;
          if (replicasBack != null) { // a canary's step scaled the stable Deployment down
            canary.scale(name, replicasBack);
            waitFor.add(name);
          }
          continue;
        }
        changed = true;
        if (ours) {
          ReplicaSet previous = rollout.previousRevision(deployment).orElseThrow(() -> KubernetesErrors.missing(
              "cannot roll back deployment/" + name + " in region " + region + ": it has no revision before "
                  + request.version() + " (this release created its first one); roll it back by hand"));
          PodTemplateSpec back = Serialization.clone(previous.getSpec().getTemplate());
          if (back.getMetadata().getLabels() != null) {
            back.getMetadata().getLabels().remove(POD_TEMPLATE_HASH);
          }
          // A JSON patch (as kubectl rollout undo sends) replaces the template whole: the previous revision exactly,
          // not merged with the current one's annotations. It applies only to the Deployment as read (test).
          List<Map<String, Object>> patch = new ArrayList<>(List.of(
              Map.of("op", "test", "path", "/metadata/resourceVersion",
                  "value", deployment.getMetadata().getResourceVersion()),
              Map.of("op", "replace", "path", "/spec/template", "value", back),
              Map.of("op", "add", "path", "/metadata/annotations/" + pointer(ROLLED_BACK), "value",
                  request.releaseId()),
              Map.of("op", "add", "path", "/metadata/annotations/" + pointer(CHANGE_CAUSE), "value",
                  "gantry rolled back release " + request.releaseId() + " (" + request.version() + ")")));
          if (replicasBack != null) {
            patch.add(Map.of("op", "replace", "path", "/spec/replicas", "value", replicasBack));
          }
          KubernetesErrors.call(region, cluster, "roll back deployment/" + name, () -> client.apps().deployments()
              .inNamespace(cluster.namespace()).withName(name)
              .patch(PatchContext.of(PatchType.JSON), Serialization.asJson(patch)));
          restored = labelOf(annotations(back), imageOf(back, cluster.container()));
          log.warn("rolled back release={} env={} region={} deployment={}/{} to={} (revision {}) reason={}",
              request.releaseId(), request.environment(), region, cluster.namespace(), name, restored,
              annotations(previous).get(REVISION), request.reason());
        } else {
          restored = labelOf(template, rollout.container(deployment).getImage());
        }
        waitFor.add(name);
      }
      if (!waitFor.isEmpty()) {
        rollout.awaitAll(waitFor, Math.min(settings.rolloutTimeoutSecondsOrDefault(), MAX_ROLLBACK_WAIT_SECONDS),
            "rollback to " + restored);
      }
      if (canary != null) {
        canary.afterRollback(request.releaseId());
      }
      return new RollbackResult(changed, restored);
    }
  }

  /**
   * The record of what the environment runs: a ConfigMap {@code gantry-<application>-<environment>} in each
   * region's namespace, holding {@code deployed.json} (the same fields as every target's record). Drift and
   * promotion checks compare it with the digest each Deployment runs.
   */
  @Override
  public RecordDeploymentResult recordDeployment(RecordDeploymentRequest request) {
    KubernetesSettings settings = settingsOf(request.target(), request.environment());
    String name = recordName(request.application(), request.environment());
    String json = Serialization.asJson(DeployedRecord.of(request, clock));
    List<String> written = new ArrayList<>();
    for (String region : request.regions()) {
      ClusterSettings cluster = clusterOf(settings, request.environment(), region);
      try (KubernetesClient client = clusters.open(region, cluster)) {
        var configMap = new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(cluster.namespace())
            .addToLabels("app.kubernetes.io/managed-by", "gantry").endMetadata()
            .addToData(RECORD_KEY, json).build();
        KubernetesErrors.call(region, cluster, "write configmap/" + name, () -> client.configMaps()
            .inNamespace(cluster.namespace()).resource(configMap).createOr(existing -> existing.update()));
        written.add(region);
      }
    }
    return new RecordDeploymentResult("configmap/" + name + " in " + String.join(", ", written));
  }

  static final String RECORD_KEY = "deployed.json";


  /** A key as a JSON pointer segment (RFC 6901): {@code gantry.dev/release} is {@code gantry.dev~1release}. */
  static String pointer(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }

  static String recordName(String application, String environment) {
    return "gantry-" + application + "-" + environment;
  }

  /**
   * Sets the container's image and the release's annotations (and the replicas, when given), by a strategic
   * merge patch (containers by name).
   */
  static void setImage(Rollout rollout, String name, String image, Stamp request, Integer replicas) {
    ClusterSettings cluster = rollout.cluster;
    String digest = request.digest();
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("template", Map.of(
        "metadata", Map.of("annotations", Map.of(RELEASE, request.releaseId(), VERSION, request.version(),
            DIGEST, digest)),
        "spec", Map.of("containers", List.of(Map.of("name", cluster.container(), "image", image)))));
    if (replicas != null) {
      spec.put("replicas", replicas);
    }
    Map<String, Object> patch = Map.of(
        "metadata", Map.of("annotations", Map.of(CHANGE_CAUSE, "gantry release " + request.releaseId() + ": "
            + request.application() + " " + request.version() + " " + digest)),
        "spec", spec);
    KubernetesErrors.call(rollout.region, cluster, "set the image of deployment/" + name, () ->
        rollout.client.apps().deployments().inNamespace(cluster.namespace()).withName(name)
            .patch(PatchContext.of(PatchType.STRATEGIC_MERGE), Serialization.asJson(patch)));
  }

  /** What a release writes on the pod templates it sets: which release, which version, which digest. */
  record Stamp(String releaseId, String application, String version, String digest) {
    static Stamp of(DeployRequest request) {
      return new Stamp(request.releaseId(), request.application(), request.version(), request.artifact().digest());
    }
  }

  /** The version the previous revision ran, for a retried deploy's result. */
  private static String previousLabel(Rollout rollout, Deployment deployment) {
    return rollout.previousRevision(deployment).map(rs -> labelOf(annotations(rs.getSpec().getTemplate()),
        imageOf(rs.getSpec().getTemplate(), rollout.cluster.container()))).orElse(null);
  }

  /**
   * {@code repository@sha256:<hex>}, the only form a Deployment gets from Gantry: the digest is what was signed
   * and verified, and a registry serves exactly those bytes for it. A tag is refused, also beside a digest.
   */
  static String imageByDigest(DeployRequest request) {
    if (request.artifact() == null || request.artifact().isFile()) {
      throw ApplicationFailure.newNonRetryableFailure("the kubernetes target deploys images; this release's"
          + " artifact is a file", Failures.UNSUPPORTED_TARGET);
    }
    String repository = request.artifact().location();
    String digest = request.artifact().digest();
    if (repository == null || !REPOSITORY.matcher(repository).matches()
        || repository.substring(repository.lastIndexOf('/')).contains(":")) {
      throw ApplicationFailure.newNonRetryableFailure("the kubernetes target deploys an image by digest: artifact"
          + " location must be a repository without tag or digest (host/path), got " + Names.shown(repository),
          Failures.UNSUPPORTED_TARGET);
    }
    if (digest == null || !SHA256.matcher(digest).matches()) {
      throw ApplicationFailure.newNonRetryableFailure("the kubernetes target deploys an image by digest: the"
          + " artifact's digest must be sha256:<64 lowercase hex>", Failures.UNSUPPORTED_TARGET);
    }
    return repository + "@" + digest;
  }

  static KubernetesSettings settingsOf(DeployTarget target, String environment) {
    if (target == null || target.kubernetes() == null || target.kubernetes().regions() == null) {
      throw ApplicationFailure.newNonRetryableFailure("environment " + environment + " has a kubernetes target"
          + " without target.kubernetes.regions: fix its config.yaml in the platform policy",
          Failures.UNSUPPORTED_TARGET);
    }
    return target.kubernetes();
  }

  static ClusterSettings clusterOf(KubernetesSettings settings, String environment, String region) {
    ClusterSettings cluster = settings.region(region);
    if (cluster == null || cluster.apiServer() == null || cluster.deployments() == null
        || cluster.deployments().isEmpty() || cluster.container() == null || cluster.namespace() == null) {
      throw ApplicationFailure.newNonRetryableFailure("environment " + environment + " names no cluster for region "
          + Names.shown(region) + ": add target.kubernetes.regions." + region + " to its config.yaml",
          Failures.UNSUPPORTED_TARGET);
    }
    return cluster;
  }

  static Map<String, String> annotations(PodTemplateSpec template) {
    return template == null || template.getMetadata() == null || template.getMetadata().getAnnotations() == null
        ? Map.of() : template.getMetadata().getAnnotations();
  }

  static Map<String, String> annotations(io.fabric8.kubernetes.api.model.HasMetadata resource) {
    return resource.getMetadata() == null || resource.getMetadata().getAnnotations() == null ? Map.of()
        : resource.getMetadata().getAnnotations();
  }

  /** "1.4.0" when Gantry put it there, else the image (whatever ran before Gantry). */
  static String labelOf(Map<String, String> templateAnnotations, String image) {
    String version = templateAnnotations.get(VERSION);
    return version != null ? version : image;
  }

  static String imageOf(PodTemplateSpec template, String container) {
    return template.getSpec().getContainers().stream().filter(c -> container.equals(c.getName()))
        .map(Container::getImage).findFirst().orElse(null);
  }

  /** The digest a container image names ({@code repo@sha256:...}), or null for a tag. */
  static String digestOf(String image) {
    int at = image == null ? -1 : image.lastIndexOf('@');
    return at < 0 ? null : image.substring(at + 1);
  }

  static int desired(Deployment deployment) {
    Integer replicas = deployment.getSpec().getReplicas();
    return replicas == null ? 1 : replicas;
  }

  static int available(Deployment deployment) {
    Integer available = deployment.getStatus() == null ? null : deployment.getStatus().getAvailableReplicas();
    return available == null ? 0 : available;
  }

  private static boolean notBlank(String value) {
    return value != null && !value.isBlank();
  }

  /** The calls about one region's Deployments: read, wait for a rollout, find the previous revision. */
  static final class Rollout {
    final KubernetesClient client;
    final String region;
    final ClusterSettings cluster;

    Rollout(KubernetesClient client, String region, ClusterSettings cluster) {
      this.client = client;
      this.region = region;
      this.cluster = cluster;
    }

    Deployment readIfExists(String name) {
      return KubernetesErrors.call(region, cluster, "read deployment/" + name + " in namespace "
          + cluster.namespace(), () -> client.apps().deployments().inNamespace(cluster.namespace()).withName(name)
          .get());
    }

    Deployment read(String name) {
      Deployment deployment = readIfExists(name);
      if (deployment == null) {
        throw KubernetesErrors.missing("deployment/" + name + " does not exist in namespace " + cluster.namespace()
            + " of region " + region + " (API server " + cluster.apiServer() + "): create it first, or fix"
            + " target.kubernetes.regions." + region + ".deployments");
      }
      return deployment;
    }

    Container container(Deployment deployment) {
      return deployment.getSpec().getTemplate().getSpec().getContainers().stream()
          .filter(c -> cluster.container().equals(c.getName())).findFirst()
          .orElseThrow(() -> KubernetesErrors.missing("deployment/" + deployment.getMetadata().getName() + " in "
              + "region " + region + " has no container named " + cluster.container() + ": fix"
              + " target.kubernetes.regions." + region + ".container"));
    }

    /** The ReplicaSet of the highest revision below the Deployment's current one, if any. */
    Optional<ReplicaSet> previousRevision(Deployment deployment) {
      long current = revision(annotations(deployment));
      return ownedReplicaSets(deployment).stream().filter(rs -> revision(annotations(rs)) < current)
          .max(Comparator.comparingLong(rs -> revision(annotations(rs))));
    }

    /** The ReplicaSets the Deployment owns (its revisions). */
    List<ReplicaSet> ownedReplicaSets(Deployment deployment) {
      String uid = deployment.getMetadata().getUid();
      return KubernetesErrors.call(region, cluster, "list the replicasets of deployment/"
          + deployment.getMetadata().getName(), () -> client.apps().replicaSets().inNamespace(cluster.namespace())
          .list().getItems()).stream()
          .filter(rs -> rs.getMetadata().getOwnerReferences() != null && rs.getMetadata().getOwnerReferences()
              .stream().anyMatch(owner -> uid.equals(owner.getUid())))
          .toList();
    }

    private static long revision(Map<String, String> annotations) {
      try {
        return Long.parseLong(annotations.getOrDefault(REVISION, "0"));
      } catch (NumberFormatException e) {
        return 0;
      }
    }

    /**
     * Waits until every Deployment has rolled out its current template, as {@code kubectl rollout status}
     * does: the controller saw the change, every replica runs the new template, no old one is left, all are
     * available. A Deployment whose Progressing condition says {@code ProgressDeadlineExceeded} has failed:
     * final, the release rolls back. Heartbeats with where each stands. Returns each one's revision.
     */
    List<String> awaitAll(List<String> names, int timeoutSeconds, String what) {
      long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
      for (int attempt = 0; ; attempt++) {
        List<String> waiting = new ArrayList<>();
        List<String> revisions = new ArrayList<>();
        for (String name : names) {
          Deployment deployment = read(name);
          String failed = progressDeadlineExceeded(deployment);
          if (failed != null) {
            throw ApplicationFailure.newNonRetryableFailure("the " + what + " failed in region " + region + ": "
                + "deployment/" + name + " in " + cluster.namespace() + " " + failed, Failures.REGION_FAILED);
          }
          String pending = pending(deployment);
          if (pending != null) {
            waiting.add("deployment/" + name + " " + pending);
          }
          revisions.add(annotations(deployment).getOrDefault(REVISION, "?"));
        }
        if (waiting.isEmpty()) {
          return revisions;
        }
        if (System.nanoTime() > deadline) {
          throw ApplicationFailure.newNonRetryableFailure("the " + what + " did not complete in region " + region
              + " within " + timeoutSeconds + "s: " + String.join("; ", waiting) + " (raise"
              + " target.kubernetes.rolloutTimeoutSeconds, or look at the pods: kubectl -n " + cluster.namespace()
              + " get pods)", Failures.REGION_FAILED);
        }
        Heartbeats.progress("waiting for the " + what + " in " + region + ": " + String.join("; ", waiting));
        sleep(Math.min(2_000, 200L * (attempt + 1)));
      }
    }

    /** What the rollout still waits for, or null when it is complete. */
    static String pending(Deployment deployment) {
      var status = deployment.getStatus();
      if (!observed(deployment)) {
        return "not yet seen by the controller";
      }
      int desired = desired(deployment);
      int updated = orZero(status.getUpdatedReplicas());
      int replicas = orZero(status.getReplicas());
      int available = available(deployment);
      if (updated < desired) {
        return updated + " of " + desired + " replicas updated";
      }
      if (replicas > updated) {
        return (replicas - updated) + " old replica(s) pending termination";
      }
      if (available < updated) {
        return available + " of " + updated + " updated replicas available";
      }
      return null;
    }

    /** Whether the Deployment controller has seen the current template (its status is about it). */
    static boolean observed(Deployment deployment) {
      var status = deployment.getStatus();
      long generation = deployment.getMetadata().getGeneration() == null ? 0 : deployment.getMetadata().getGeneration();
      return status != null && status.getObservedGeneration() != null && status.getObservedGeneration() >= generation;
    }

    /** "made no progress: ReplicaSet ... has timed out progressing" when the rollout failed, else null. */
    static String progressDeadlineExceeded(Deployment deployment) {
      var status = deployment.getStatus();
      if (status == null || status.getConditions() == null || !observed(deployment)) {
        return null; // a condition about an earlier template (the one a rollback just replaced) says nothing
      }
      for (DeploymentCondition condition : status.getConditions()) {
        if ("Progressing".equals(condition.getType()) && "ProgressDeadlineExceeded".equals(condition.getReason())) {
          return "made no progress within its progressDeadlineSeconds (ProgressDeadlineExceeded: "
              + Names.shown(condition.getMessage(), 200) + "; " + available(deployment) + " of "
              + desired(deployment) + " replicas available)";
        }
      }
      return null;
    }

    /** Why a rolled-out Deployment is not healthy (Available not True, unavailable replicas), or null. */
    static String unhealthy(Deployment deployment) {
      String pending = pending(deployment);
      if (pending != null) {
        return pending;
      }
      var status = deployment.getStatus();
      boolean availableCondition = status.getConditions() != null && status.getConditions().stream()
          .anyMatch(c -> "Available".equals(c.getType()) && "True".equals(c.getStatus()));
      if (!availableCondition) {
        return "its Available condition is not True";
      }
      int unavailable = orZero(status.getUnavailableReplicas());
      if (unavailable > 0) {
        return unavailable + " replica(s) unavailable";
      }
      return null;
    }

    private static int orZero(Integer value) {
      return value == null ? 0 : value;
    }

    private static void sleep(long millis) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        Heartbeats.progress("interrupted"); // throws the cancellation when that was the reason
        throw ApplicationFailure.newFailure("interrupted while waiting for a rollout", "Interrupted");
      }
    }
  }
}
