package dev.gantry.activities.kubernetes;

import dev.gantry.workflows.api.kubernetes.ClusterSettings;
import dev.gantry.workflows.api.temporal.Failures;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Opens a client to one region's cluster from policy: the API server, the CA that signs it, and the
 * credentials by reference (a token file re-read on every request, so a rotated token is picked up; an
 * environment variable of the worker; or a client certificate). Nothing comes from the worker's own
 * kubeconfig, in-cluster service account or {@code KUBERNETES_*} variables: a misnamed cluster must fail, not
 * land somewhere else. The client fails fast (no retries of its own, short timeouts): the activity's retry
 * policy decides, and a cluster that is down is reported in seconds.
 */
public class KubernetesClusters {
  static final int CONNECT_TIMEOUT_MILLIS = 5_000;
  static final int REQUEST_TIMEOUT_MILLIS = 15_000;
  private final Function<String, String> environment;

  public KubernetesClusters() {
    this(System::getenv);
  }

  /** @param environment the worker's environment variables ({@code env:} token references) */
  public KubernetesClusters(Function<String, String> environment) {
    this.environment = environment;
  }

  /** A client of the region's cluster; the caller closes it. */
  public KubernetesClient open(String region, ClusterSettings cluster) {
    ConfigBuilder config = new ConfigBuilder(Config.empty())
        .withMasterUrl(cluster.apiServer())
        .withCaCertFile(cluster.caFile())
        .withNamespace(cluster.namespace())
        .withConnectionTimeout(CONNECT_TIMEOUT_MILLIS)
        .withRequestTimeout(REQUEST_TIMEOUT_MILLIS)
        .withRequestRetryBackoffLimit(0)
        .withUserAgent("gantry-worker");
    String token = cluster.token();
    if (token != null && token.startsWith(ClusterSettings.FILE_REFERENCE)) {
      Path file = Path.of(token.substring(ClusterSettings.FILE_REFERENCE.length()));
      config.withOauthTokenProvider(() -> readToken(region, file));
    } else if (token != null && token.startsWith(ClusterSettings.ENV_REFERENCE)) {
      String name = token.substring(ClusterSettings.ENV_REFERENCE.length());
      String value = environment.apply(name);
      if (value == null || value.isBlank()) {
        throw ApplicationFailure.newNonRetryableFailure("the token of region " + region + "'s cluster is the"
            + " worker's environment variable " + name + ", which is not set: set it on the worker, or fix"
            + " target.kubernetes.regions." + region + ".token", Failures.KUBERNETES_ACCESS_DENIED);
      }
      config.withOauthToken(value.strip());
    } else {
      config.withClientCertFile(cluster.clientCertFile()).withClientKeyFile(cluster.clientKeyFile());
    }
    return new KubernetesClientBuilder().withConfig(config.build()).build();
  }

  private static String readToken(String region, Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw ApplicationFailure.newNonRetryableFailure("cannot read the token file of region " + region
          + "'s cluster (" + file + ", " + e.getClass().getSimpleName() + "): fix target.kubernetes.regions."
          + region + ".token or the file's permissions", Failures.KUBERNETES_ACCESS_DENIED);
    }
  }
}
