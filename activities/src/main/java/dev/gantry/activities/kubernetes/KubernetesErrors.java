package dev.gantry.activities.kubernetes;

import dev.gantry.workflows.api.input.Names;
import dev.gantry.workflows.api.kubernetes.ClusterSettings;
import dev.gantry.workflows.api.temporal.Failures;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;

/**
 * Turns what the API server (or the network) said into a failure a release can act on, named by region and
 * API server, without stack trace or credentials: a cluster that does not answer is retried; refused
 * credentials, a forbidden verb, a missing Deployment or a CA that does not sign the server are not (a person
 * must fix policy, RBAC or the cluster).
 */
final class KubernetesErrors {
  private KubernetesErrors() {}

  /** Runs one API call; {@code what} says what was attempted, e.g. "read deployment/hello in shop". */
  static <T> T call(String region, ClusterSettings cluster, String what, Supplier<T> call) {
    try {
      return call.get();
    } catch (KubernetesClientException e) {
      throw translate(region, cluster, what, e);
    }
  }

  static ApplicationFailure translate(String region, ClusterSettings cluster, String what,
      KubernetesClientException e) {
    String where = "region " + region + " (API server " + cluster.apiServer() + ")";
    Throwable cause = rootCause(e);
    if (cause instanceof ApplicationFailure failure) {
      return failure; // ours, thrown while authenticating (a token that cannot be read)
    }
    if (cause instanceof SSLException) {
      return ApplicationFailure.newNonRetryableFailure(what + " in " + where + ": the TLS handshake failed ("
          + cause.getClass().getSimpleName() + "): does target.kubernetes.regions." + region + ".caFile sign the"
          + " API server's certificate, and is the client certificate valid?", Failures.KUBERNETES_ACCESS_DENIED);
    }
    int code = e.getCode();
    if (code == 0 || cause instanceof IOException) {
      return ApplicationFailure.newFailure(what + " in " + where + " failed: the API server cannot be reached ("
          + describe(cause) + "); retried. Is the cluster up and reachable from the worker?",
          Failures.KUBERNETES_UNAVAILABLE);
    }
    String status = e.getStatus() == null || e.getStatus().getMessage() == null ? ""
        : " (" + Names.shown(e.getStatus().getMessage(), 200) + ")";
    if (code == 401) {
      return ApplicationFailure.newNonRetryableFailure(what + " in " + where + ": the API server refused the"
          + " worker's credentials (401): renew the token or certificate that target.kubernetes.regions." + region
          + " names", Failures.KUBERNETES_ACCESS_DENIED);
    }
    if (code == 403) {
      return ApplicationFailure.newNonRetryableFailure(what + " in " + where + " is forbidden (403)" + status
          + ": grant the worker's account the Role of docs/kubernetes.md in namespace " + cluster.namespace(),
          Failures.KUBERNETES_ACCESS_DENIED);
    }
    if (code == 404) {
      return missing(what + " in " + where + ": not found (404)" + status + ": create it, or fix"
          + " target.kubernetes.regions." + region);
    }
    return ApplicationFailure.newFailure(what + " in " + where + " failed (HTTP " + code + ")" + status,
        code == 409 || code == 429 || code >= 500 ? Failures.KUBERNETES_UNAVAILABLE : "KubernetesError");
  }

  static ApplicationFailure missing(String message) {
    return ApplicationFailure.newNonRetryableFailure(message, Failures.KUBERNETES_RESOURCE_MISSING);
  }

  private static Throwable rootCause(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** The kind of network trouble, in a few words ("ConnectException: Connection refused"). */
  private static String describe(Throwable cause) {
    String message = cause.getMessage();
    return cause.getClass().getSimpleName() + (message == null ? "" : ": " + Names.shown(message, 120));
  }
}
