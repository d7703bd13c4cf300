package dev.gantry.activities.kubernetes;

import static dev.gantry.activities.kubernetes.KubernetesTarget.DIGEST;
import static dev.gantry.activities.kubernetes.KubernetesTarget.POD_TEMPLATE_HASH;
import static dev.gantry.activities.kubernetes.KubernetesTarget.RELEASE;
import static dev.gantry.activities.kubernetes.KubernetesTarget.VERSION;
import static dev.gantry.activities.kubernetes.KubernetesTarget.annotations;
import static dev.gantry.activities.kubernetes.KubernetesTarget.desired;
import static dev.gantry.activities.kubernetes.KubernetesTarget.labelOf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.activities.kubernetes.KubernetesTarget.Rollout;
import dev.gantry.activities.kubernetes.KubernetesTarget.Stamp;
import dev.gantry.workflows.api.deploy.DeployRequest;
import dev.gantry.workflows.api.input.Names;
import dev.gantry.workflows.api.kubernetes.ClusterSettings;
import dev.gantry.workflows.api.temporal.Failures;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.temporal.failure.ApplicationFailure;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progressive delivery on Kubernetes by replica ratio, for one region's Deployment and the Service in front of
 * it (both from policy). The new version runs in a second Deployment, {@code <name>-canary}: a copy of the
 * stable one's template with the release's image by digest. Its pods carry the stable pods' labels, so the
 * Service sends them a share of the requests in proportion to the replicas: canary {@code c} of {@code c + s}.
 *
 * <ul>
 *   <li><b>Dark launch</b>: the Service is pinned to the stable pods ({@code pod-template-hash} of the stable
 *       Deployment's current ReplicaSet added to its selector), then one canary replica starts: it runs, is
 *       smoke checked, and gets no user request.
 *   <li><b>A step of w%</b>: canary replicas {@code max(1, round(n*w/100))} come up first, the pin is lifted,
 *       then the stable Deployment scales down to the rest (and settles) ({@code n} is its replicas before the release). The
 *       share is whole replicas: 25% of 2 replicas is 1 of 2, and the step reports 50%.
 *   <li><b>Promotion (100%)</b>: the canary scales to {@code n}, the Service is pinned to the canary's pods (all
 *       requests switch at once, as a blue-green switch of the selector), the stable Deployment gets the image
 *       and its {@code n} replicas in a rolling update, then the pin is lifted and the canary removed. It needs
 *       room for a second full set of pods for that while.
 *   <li><b>Rollback</b>: {@link #undo} lifts a pin to the canary, gives the stable Deployment back its replicas,
 *       and once it is available removes the canary and any pin.
 * </ul>
 *
 * <p>Every step is idempotent: a retried activity recomputes the same replica counts and finds its own pin. The
 * canary and the pin are marked with the release; a canary left by another release stops a new one (a person
 * must look), a pin set by another release is never lifted.
 */
final class KubernetesCanary {
  private static final Logger log = LoggerFactory.getLogger(KubernetesCanary.class);
  /** JSON for patches: a null value removes a key (merge patch), which fabric8's own mapper would drop. */
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String SUFFIX = "-canary";
  /** On the canary's pods (and selector): tells them from the stable ones. */
  static final String TRACK = "gantry.dev/track";
  /** On the canary Deployment: the Deployment it is the canary of. */
  static final String CANARY_OF = "gantry.dev/canary-of";
  /** On the canary Deployment: the stable Deployment's replicas before the release, restored by promotion or rollback. */
  static final String STABLE_REPLICAS = "gantry.dev/stable-replicas";
  /** On the Service: the release whose pin its selector carries. */
  static final String PINNED_BY = "gantry.dev/pinned-by";
  static final int DARK_REPLICAS = 1;

  private final Rollout rollout;
  private final ClusterSettings cluster;
  private final String stableName;

  KubernetesCanary(Rollout rollout) {
    this.rollout = rollout;
    this.cluster = rollout.cluster;
    this.stableName = stableDeployment(cluster, rollout.region);
  }

  /** Whether a canary can run in this region's cluster (one Deployment and its Service named). */
  static boolean applies(ClusterSettings cluster) {
    return cluster.deployments().size() == 1 && cluster.service() != null && !cluster.service().isBlank();
  }

  /** The one Deployment a progressive rollout moves, or a failure naming the policy field to fix. */
  static String stableDeployment(ClusterSettings cluster, String region) {
    if (!applies(cluster)) {
      throw ApplicationFailure.newNonRetryableFailure("progressive rollouts on the kubernetes target need one"
          + " Deployment and the Service in front of it in target.kubernetes.regions." + region + " (deployments:"
          + " [name], service: name); gantry policy check says which is missing", Failures.UNSUPPORTED_TARGET);
    }
    return cluster.deployments().get(0);
  }

  String canaryName() {
    return stableName + SUFFIX;
  }

  Deployment stable() {
    return rollout.read(stableName);
  }

  /** The canary Deployment of this release, or null when there is none; one of another release is refused. */
  Deployment canaryOf(String releaseId) {
    Deployment canary = rollout.readIfExists(canaryName());
    if (canary == null || releaseId.equals(annotations(canary).get(RELEASE))) {
      return canary;
    }
    throw ApplicationFailure.newNonRetryableFailure("deployment/" + canaryName() + " in namespace "
        + cluster.namespace() + " of region " + rollout.region + " is the canary of another release ("
        + Names.shown(annotations(canary).get(RELEASE)) + "): no release of this application runs there now, so it"
        + " was left behind; check it, delete it (kubectl -n " + cluster.namespace() + " delete deployment "
        + canaryName() + "), and start the release again", Failures.REGION_FAILED);
  }

  /**
   * Pins the Service to the stable pods and starts one canary replica of the release's image, then waits for it.
   * Returns the canary's detail for the timeline.
   */
  String launchDark(DeployRequest request, String image, int timeoutSeconds) {
    Deployment stable = stable();
    Deployment canary = canaryOf(request.releaseId());
    if (canary == null) {
      String pending = Rollout.pending(stable);
      if (pending != null) {
        throw ApplicationFailure.newFailure("deployment/" + stableName + " in region " + rollout.region + " is still"
            + " rolling out (" + pending + "); a canary starts beside a settled Deployment", Failures.UNHEALTHY);
      }
      pin(request.releaseId(), currentHash(stable), "the stable pods");
      canary = create(request, stable, image);
      log.info("canary release={} env={} region={} deployment={}/{} image={} replicas={} (dark)", request.releaseId(),
          request.environment(), rollout.region, cluster.namespace(), canaryName(), image, DARK_REPLICAS);
    }
    rollout.awaitAll(List.of(canaryName()), timeoutSeconds, "dark launch of " + request.version());
    return "deployment/" + canaryName() + " (" + desired(canary) + " replica, no requests: service/" + cluster.service()
        + " selects only deployment/" + stableName + "'s pods) in " + cluster.namespace() + " of " + cluster.apiServer();
  }

  /**
   * A step below 100%: canary replicas up first, then the pin lifted, then the stable Deployment down. Returns the
   * canary's share of the pods, in percent.
   */
  int shift(String releaseId, int weight, int timeoutSeconds) {
    Deployment canary = requireCanary(releaseId);
    int before = stableReplicas(canary);
    int canaryReplicas = Math.max(1, (int) Math.round(before * weight / 100.0));
    int stableReplicas = Math.max(1, before - canaryReplicas);
    scale(canaryName(), canaryReplicas);
    rollout.awaitAll(List.of(canaryName()), timeoutSeconds, "canary of " + weight + "%");
    unpin(releaseId);
    scale(stableName, stableReplicas);
    // settled before the step's share counts (and before a rollback scales it back: a scale-up on top of an
    // unfinished scale-down can read as complete for a moment, while pods of the old count still terminate)
    rollout.awaitAll(List.of(stableName), timeoutSeconds, "stable at " + stableReplicas + " replicas");
    int share = (int) Math.round(100.0 * canaryReplicas / (canaryReplicas + stableReplicas));
    log.info("canary release={} region={} weight={} canary={}/{} replicas share={}%", releaseId, rollout.region,
        weight, canaryReplicas, canaryReplicas + stableReplicas, share);
    return share;
  }

  /**
   * 100%: the canary at full size takes every request (the Service pinned to its pods) while the stable
   * Deployment rolls to the new template and its replicas; then the pin is lifted and the canary removed.
   */
  void promote(Stamp release, int timeoutSeconds) {
    Deployment canary = rollout.readIfExists(canaryName());
    if (canary != null && release.releaseId().equals(annotations(canary).get(RELEASE))) {
      PodTemplateSpec template = canary.getSpec().getTemplate();
      if (!release.version().equals(annotations(template).get(VERSION))) {
        throw ApplicationFailure.newNonRetryableFailure("deployment/" + canaryName() + " in region " + rollout.region
            + " runs " + Names.shown(annotations(template).get(VERSION)) + ", not " + release.version(),
            Failures.REGION_FAILED);
      }
      int replicas = stableReplicas(canary);
      scale(canaryName(), replicas);
      rollout.awaitAll(List.of(canaryName()), timeoutSeconds, "canary of " + release.version() + " at full size");
      pin(release.releaseId(), currentHash(rollout.read(canaryName())), "the canary's pods");
      KubernetesTarget.setImage(rollout, stableName, KubernetesTarget.imageOf(template, cluster.container()),
          new Stamp(release.releaseId(), release.application(), release.version(), annotations(template).get(DIGEST)),
          replicas);
      rollout.awaitAll(List.of(stableName), timeoutSeconds, "promotion of " + release.version());
      unpin(release.releaseId());
      delete(canaryName());
      log.info("promoted release={} region={} deployment={}/{} replicas={} (canary removed)", release.releaseId(),
          rollout.region, cluster.namespace(), stableName, replicas);
      return;
    }
    Deployment stable = stable();
    if (!release.releaseId().equals(annotations(stable.getSpec().getTemplate()).get(RELEASE))) {
      throw ApplicationFailure.newNonRetryableFailure("no canary of release " + release.releaseId() + " in region "
          + rollout.region + " to promote (deployment/" + canaryName() + " is gone)", Failures.REGION_FAILED);
    }
    rollout.awaitAll(List.of(stableName), timeoutSeconds, "promotion of " + release.version()); // a retried promotion
    unpin(release.releaseId());
  }

  /**
   * Undoes what this release's canary changed, before the stable Deployment's template is restored: a pin to the
   * canary's pods is lifted at once (the stable pods serve again). Returns the replicas the stable Deployment must
   * have back, or null when this release has no canary here.
   */
  Integer beforeRollback(String releaseId) {
    Deployment canary = rollout.readIfExists(canaryName());
    if (canary == null || !releaseId.equals(annotations(canary).get(RELEASE))) {
      return null;
    }
    Service service = service();
    Map<String, String> selector = service.getSpec().getSelector();
    String pinned = selector == null ? null : selector.get(POD_TEMPLATE_HASH);
    if (pinned != null && ownedHashes(canary).contains(pinned)) {
      unpin(releaseId);
    }
    return stableReplicas(canary);
  }

  /** After the stable Deployment is back and available: the canary removed, the Service's selector as it was. */
  void afterRollback(String releaseId) {
    Deployment canary = rollout.readIfExists(canaryName());
    if (canary != null && releaseId.equals(annotations(canary).get(RELEASE))) {
      delete(canaryName());
    }
    unpin(releaseId);
  }

  private Deployment requireCanary(String releaseId) {
    Deployment canary = canaryOf(releaseId);
    if (canary == null) {
      throw ApplicationFailure.newNonRetryableFailure("no canary of release " + releaseId + " in region "
          + rollout.region + " (deployment/" + canaryName() + " is gone): the dark launch must run first",
          Failures.REGION_FAILED);
    }
    return canary;
  }

  private Deployment create(DeployRequest request, Deployment stable, String image) {
    PodTemplateSpec template = Serialization.clone(stable.getSpec().getTemplate());
    template.getMetadata().getLabels().remove(POD_TEMPLATE_HASH);
    template.getMetadata().getLabels().put(TRACK, "canary");
    Map<String, String> podAnnotations = new LinkedHashMap<>(annotations(template));
    podAnnotations.put(RELEASE, request.releaseId());
    podAnnotations.put(VERSION, request.version());
    podAnnotations.put(DIGEST, request.artifact().digest());
    template.getMetadata().setAnnotations(podAnnotations);
    template.getSpec().getContainers().stream().filter(c -> cluster.container().equals(c.getName()))
        .forEach(c -> c.setImage(image));
    Map<String, String> selector = new LinkedHashMap<>(stable.getSpec().getSelector().getMatchLabels());
    selector.put(TRACK, "canary");
    Deployment canary = new DeploymentBuilder()
        .withNewMetadata().withName(canaryName()).withNamespace(cluster.namespace())
        .addToLabels("app.kubernetes.io/managed-by", "gantry").addToLabels(CANARY_OF, stableName)
        .addToAnnotations(RELEASE, request.releaseId()).addToAnnotations(VERSION, request.version())
        .addToAnnotations(STABLE_REPLICAS, Integer.toString(desired(stable)))
        .endMetadata()
        .withNewSpec().withReplicas(DARK_REPLICAS)
        .withProgressDeadlineSeconds(stable.getSpec().getProgressDeadlineSeconds())
        .withNewSelector().addToMatchLabels(selector).endSelector()
        .withTemplate(template)
        .endSpec().build();
    return KubernetesErrors.call(rollout.region, cluster, "create deployment/" + canaryName(), () -> rollout.client
        .apps().deployments().inNamespace(cluster.namespace()).resource(canary).create());
  }

  private Service service() {
    Service service = KubernetesErrors.call(rollout.region, cluster, "read service/" + cluster.service(), () ->
        rollout.client.services().inNamespace(cluster.namespace()).withName(cluster.service()).get());
    if (service == null) {
      throw KubernetesErrors.missing("service/" + cluster.service() + " does not exist in namespace "
          + cluster.namespace() + " of region " + rollout.region + ": create it, or fix target.kubernetes.regions."
          + rollout.region + ".service");
    }
    Map<String, String> selector = service.getSpec() == null ? null : service.getSpec().getSelector();
    if (selector == null || selector.isEmpty()) {
      throw KubernetesErrors.missing("service/" + cluster.service() + " in region " + rollout.region + " has no"
          + " selector: a canary shares the requests of a Service that selects the Deployment's pods by label");
    }
    return service;
  }

  /** Adds {@code pod-template-hash} to the Service's selector, so it sends requests only to those pods. */
  private void pin(String releaseId, String hash, String what) {
    Service service = service();
    Map<String, String> labels = stable().getSpec().getTemplate().getMetadata().getLabels();
    for (Map.Entry<String, String> entry : service.getSpec().getSelector().entrySet()) {
      if (!POD_TEMPLATE_HASH.equals(entry.getKey()) && !entry.getValue().equals(labels.get(entry.getKey()))) {
        throw ApplicationFailure.newNonRetryableFailure("service/" + cluster.service() + " in region "
            + rollout.region + " does not select the pods of deployment/" + stableName + " (its selector's "
            + Names.shown(entry.getKey()) + " is not on them): name the Service in front of that Deployment in"
            + " target.kubernetes.regions." + rollout.region + ".service", Failures.REGION_FAILED);
      }
    }
    String owner = annotations(service).get(PINNED_BY);
    if (owner != null && !owner.equals(releaseId)) {
      throw ApplicationFailure.newNonRetryableFailure("service/" + cluster.service() + " in region " + rollout.region
          + " is pinned by another release (" + Names.shown(owner) + "): lift it (remove pod-template-hash from"
          + " its selector and the " + PINNED_BY + " annotation) once no release runs", Failures.REGION_FAILED);
    }
    patchService(Map.of("metadata", Map.of("annotations", Map.of(PINNED_BY, releaseId)),
        "spec", Map.of("selector", Map.of(POD_TEMPLATE_HASH, hash))), "pin service/" + cluster.service() + " to " + what);
  }

  /** Lifts this release's pin: the selector without {@code pod-template-hash}, as it was before. */
  private void unpin(String releaseId) {
    Service service = service();
    if (!releaseId.equals(annotations(service).get(PINNED_BY))) {
      return;
    }
    Map<String, Object> annotation = new LinkedHashMap<>();
    annotation.put(PINNED_BY, null);
    Map<String, Object> selector = new LinkedHashMap<>();
    selector.put(POD_TEMPLATE_HASH, null);
    patchService(Map.of("metadata", Map.of("annotations", annotation), "spec", Map.of("selector", selector)),
        "lift the pin of service/" + cluster.service());
  }

  private void patchService(Map<String, Object> patch, String what) {
    String json = json(patch);
    KubernetesErrors.call(rollout.region, cluster, what, () -> rollout.client.services()
        .inNamespace(cluster.namespace()).withName(cluster.service()).patch(PatchContext.of(PatchType.JSON_MERGE), json));
  }

  /** Sets a Deployment's replicas (a merge patch of {@code spec.replicas}). */
  void scale(String name, int replicas) {
    String json = json(Map.of("spec", Map.of("replicas", replicas)));
    KubernetesErrors.call(rollout.region, cluster, "scale deployment/" + name + " to " + replicas, () ->
        rollout.client.apps().deployments().inNamespace(cluster.namespace()).withName(name)
            .patch(PatchContext.of(PatchType.JSON_MERGE), json));
  }

  private void delete(String name) {
    KubernetesErrors.call(rollout.region, cluster, "delete deployment/" + name, () -> rollout.client.apps()
        .deployments().inNamespace(cluster.namespace()).withName(name).delete());
  }

  /** The {@code pod-template-hash} of the Deployment's current ReplicaSet (its pods of the current template). */
  private String currentHash(Deployment deployment) {
    String revision = annotations(deployment).get(KubernetesTarget.REVISION);
    return rollout.ownedReplicaSets(deployment).stream()
        .filter(rs -> revision != null && revision.equals(annotations(rs).get(KubernetesTarget.REVISION)))
        .map(rs -> rs.getMetadata().getLabels() == null ? null : rs.getMetadata().getLabels().get(POD_TEMPLATE_HASH))
        .filter(hash -> hash != null).findFirst()
        .orElseThrow(() -> ApplicationFailure.newFailure("deployment/" + deployment.getMetadata().getName()
            + " in region " + rollout.region + " has no ReplicaSet of its current revision yet", Failures.UNHEALTHY));
  }

  private List<String> ownedHashes(Deployment deployment) {
    return rollout.ownedReplicaSets(deployment).stream().map(ReplicaSet::getMetadata)
        .map(m -> m.getLabels() == null ? null : m.getLabels().get(POD_TEMPLATE_HASH)).filter(h -> h != null).toList();
  }

  static int stableReplicas(Deployment canary) {
    try {
      return Integer.parseInt(annotations(canary).get(STABLE_REPLICAS));
    } catch (NumberFormatException | NullPointerException e) {
      return desired(canary);
    }
  }

  /** "1.4.0" (or the image) the stable Deployment runs now, for a step's result. */
  String stableLabel() {
    Deployment stable = stable();
    return labelOf(annotations(stable.getSpec().getTemplate()), rollout.container(stable).getImage());
  }

  private static String json(Map<String, Object> patch) {
    try {
      return JSON.writeValueAsString(patch);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a patch of maps and numbers is always JSON", e);
    }
  }
}
