package dev.gantry.workflows.api.kubernetes;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Map;

/**
 * An environment on Kubernetes: one cluster per region, all from platform policy (a release request never
 * names a cluster, a namespace or a Deployment).
 *
 * @param regions               per region: the cluster, its namespace and the Deployments, keyed by region
 *                              name, in the order written
 * @param rolloutTimeoutSeconds how long a deploy waits for a rollout before it gives up (default
 *                              {@link #DEFAULT_ROLLOUT_TIMEOUT_SECONDS}); the Deployment's own
 *                              {@code progressDeadlineSeconds} usually ends a stuck rollout first
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record KubernetesSettings(Map<String, ClusterSettings> regions, Integer rolloutTimeoutSeconds) {
  public static final int DEFAULT_ROLLOUT_TIMEOUT_SECONDS = 300;
  /** The deploy activity's start-to-close is 10 minutes: a rollout wait must end well before it. */
  public static final int MAX_ROLLOUT_TIMEOUT_SECONDS = 540;

  /** The cluster of one region, or null when policy names none. */
  public ClusterSettings region(String region) {
    return regions == null ? null : regions.get(region);
  }

  public int rolloutTimeoutSecondsOrDefault() {
    return rolloutTimeoutSeconds == null ? DEFAULT_ROLLOUT_TIMEOUT_SECONDS : rolloutTimeoutSeconds;
  }
}
