package dev.gantry.workflows.api.kubernetes;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * One region's cluster. Credentials are references to files or variables on the worker, never their
 * contents: policy and release histories are not secret.
 *
 * @param apiServer      the API server, {@code https://host:port}
 * @param caFile         the PEM file on the worker that signs the API server's certificate (under the policy's
 *                       {@code roots.credentials})
 * @param token          the bearer token, as a reference: {@code file:/path/on/the/worker} (re-read on every
 *                       call, so a rotated token is picked up) or {@code env:VARIABLE}; or null with a client
 *                       certificate
 * @param clientCertFile the client certificate (PEM) on the worker, with {@code clientKeyFile}; or null with a
 *                       token
 * @param clientKeyFile  the client certificate's private key (PEM) on the worker
 * @param namespace      the namespace of the Deployments
 * @param deployments    the Deployments that run the application in this region; each is set to the release's
 *                       image
 * @param container      the container of each Deployment's pod template that runs the application's image
 * @param service        the Service in front of the Deployment, for progressive rollouts (its requests are shared
 *                       between the stable and the canary pods); null when the environment rolls out all at once
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ClusterSettings(
    String apiServer,
    String caFile,
    String token,
    String clientCertFile,
    String clientKeyFile,
    String namespace,
    List<String> deployments,
    String container,
    String service) {

  public static final String FILE_REFERENCE = "file:";
  public static final String ENV_REFERENCE = "env:";
}
