package dev.gantry.activities.kubernetes;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.activities.environment.EnvironmentAdapter;
import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.environment.ArchiveRequest;
import dev.gantry.workflows.api.environment.ConfigActual;
import dev.gantry.workflows.api.environment.ConfigApplied;
import dev.gantry.workflows.api.environment.ConfigRequest;
import dev.gantry.workflows.api.environment.RecordedDeployment;
import dev.gantry.workflows.api.environment.RegionActual;
import dev.gantry.workflows.api.environment.RegionsActual;
import dev.gantry.workflows.api.environment.RegionsRequest;
import dev.gantry.workflows.api.environment.Registration;
import dev.gantry.workflows.api.environment.StackRequest;
import dev.gantry.workflows.api.environment.StackStatus;
import dev.gantry.workflows.api.kubernetes.ClusterSettings;
import dev.gantry.workflows.api.kubernetes.KubernetesSettings;
import dev.gantry.workflows.api.temporal.Failures;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a kubernetes environment runs and what was recorded, for drift detection and promotion checks: each
 * region's Deployments (the version Gantry annotated, the digest the container image names) and the record
 * {@link KubernetesTarget#recordDeployment} wrote. A Deployment changed by hand ({@code kubectl set image})
 * shows as a digest that differs from the record. Configuration, stacks and registration are not served for
 * this target (policy refuses {@code applyConfig}, {@code secrets} and {@code lifecycle} on it).
 */
public class KubernetesEnvironments implements EnvironmentAdapter {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final KubernetesClusters clusters;

  public KubernetesEnvironments(KubernetesClusters clusters) {
    this.clusters = clusters;
  }

  @Override
  public List<String> types() {
    return List.of(DeployTarget.KUBERNETES);
  }

  @Override
  public RegionsActual readRegions(RegionsRequest request) {
    KubernetesSettings settings = KubernetesTarget.settingsOf(request.target(), request.environment());
    List<RegionActual> regions = new ArrayList<>();
    for (String region : request.regions()) {
      ClusterSettings cluster = settings.region(region);
      if (cluster == null) {
        regions.add(new RegionActual(region, null, null, "no cluster for " + region + " in the environment's policy"));
        continue;
      }
      try (KubernetesClient client = clusters.open(region, cluster)) {
        regions.add(read(new KubernetesTarget.Rollout(client, region, cluster)));
      }
    }
    return new RegionsActual(regions);
  }

  /** One version and one digest when every Deployment of the region runs the same; the mix otherwise. */
  private static RegionActual read(KubernetesTarget.Rollout rollout) {
    ClusterSettings cluster = rollout.cluster;
    Set<String> versions = new LinkedHashSet<>();
    Set<String> digests = new LinkedHashSet<>();
    for (String name : cluster.deployments()) {
      Deployment deployment = rollout.readIfExists(name);
      if (deployment == null) {
        return new RegionActual(rollout.region, null, null, "no deployment/" + name + " in namespace "
            + cluster.namespace() + " of " + cluster.apiServer());
      }
      String image = rollout.container(deployment).getImage();
      var template = KubernetesTarget.annotations(deployment.getSpec().getTemplate());
      versions.add(String.valueOf(KubernetesTarget.labelOf(template, image)));
      String digest = KubernetesTarget.digestOf(image);
      digests.add(digest == null ? "no digest (image " + image + ")" : digest);
    }
    String where = "deployment/" + String.join(", deployment/", cluster.deployments()) + " in "
        + cluster.namespace() + " of " + cluster.apiServer();
    String version = versions.size() == 1 ? versions.iterator().next() : "mixed: " + String.join(", ", versions);
    String digest = digests.size() == 1 && digests.iterator().next().startsWith("sha256:")
        ? digests.iterator().next() : String.join(", ", digests);
    return new RegionActual(rollout.region, version, digest, where);
  }

  @Override
  public RecordedDeployment readRecordedDeployment(RegionsRequest request) {
    KubernetesSettings settings = KubernetesTarget.settingsOf(request.target(), request.environment());
    String name = KubernetesTarget.recordName(request.application(), request.environment());
    for (String region : request.regions()) {
      ClusterSettings cluster = settings.region(region);
      if (cluster == null) {
        continue;
      }
      try (KubernetesClient client = clusters.open(region, cluster)) {
        ConfigMap record = KubernetesErrors.call(region, cluster, "read configmap/" + name, () -> client.configMaps()
            .inNamespace(cluster.namespace()).withName(name).get());
        String body = record == null || record.getData() == null ? null
            : record.getData().get(KubernetesTarget.RECORD_KEY);
        if (body != null) {
          try {
            return JSON.readValue(body, RecordedDeployment.class);
          } catch (IOException e) {
            throw ApplicationFailure.newNonRetryableFailure("configmap/" + name + " in region " + region
                + " does not hold a deployment record (" + e.getClass().getSimpleName() + "): delete it, the next"
                + " release writes it again", Failures.KUBERNETES_RESOURCE_MISSING);
          }
        }
      }
    }
    return new RecordedDeployment(null, null, null, null, null);
  }

  /** Environments on Kubernetes are not provisioned by Gantry: none is registered. */
  @Override
  public Registration readRegistration(RegionsRequest request) {
    return null;
  }

  @Override
  public ConfigApplied applyConfig(ConfigRequest request) {
    throw unsupported("applying an environment's configuration");
  }

  @Override
  public ConfigActual readConfig(ConfigRequest request) {
    throw unsupported("reading an environment's configuration");
  }

  @Override
  public StackStatus createStack(StackRequest request) {
    throw unsupported("creating infrastructure");
  }

  @Override
  public StackStatus awaitStack(StackRequest request) {
    throw unsupported("creating infrastructure");
  }

  @Override
  public StackStatus deleteStack(StackRequest request) {
    throw unsupported("deleting infrastructure");
  }

  @Override
  public String register(Registration registration) {
    throw unsupported("registering an environment (gantry env create)");
  }

  @Override
  public void retire(ArchiveRequest request, Path archive) {
    throw unsupported("retiring an environment (gantry env destroy)");
  }

  private static ApplicationFailure unsupported(String what) {
    return ApplicationFailure.newNonRetryableFailure(what + " is not served for the kubernetes target: the"
        + " cluster's own manifests hold configuration and infrastructure", Failures.UNSUPPORTED_TARGET);
  }
}
