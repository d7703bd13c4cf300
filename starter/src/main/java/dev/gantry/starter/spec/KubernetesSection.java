package dev.gantry.starter.spec;

import static dev.gantry.starter.spec.SpecChecks.blank;
import static dev.gantry.starter.spec.SpecChecks.quoted;

import dev.gantry.starter.spec.EnvironmentConfigFile.ClusterSpec;
import dev.gantry.starter.spec.EnvironmentConfigFile.KubernetesSpec;
import dev.gantry.workflows.api.input.Names;
import dev.gantry.workflows.api.kubernetes.ClusterSettings;
import dev.gantry.workflows.api.kubernetes.KubernetesSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code target.kubernetes} section of a {@code kubernetes} environment: a cluster per region, checked,
 * then resolved. File references (CA, token, client certificate) are resolved against the policy directory;
 * {@link PolicyDirectory} then confines them to {@code roots.credentials}.
 */
final class KubernetesSection {
  /** RFC 1123 label: a namespace, a container name. */
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  /** RFC 1123 subdomain: a Deployment name. */
  private static final Pattern SUBDOMAIN =
      Pattern.compile("(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

  private KubernetesSection() {}

  static KubernetesSettings resolve(String where, Path base, KubernetesSpec spec, List<String> regions,
      List<String> problems) {
    if (spec == null || spec.regions() == null || spec.regions().isEmpty()) {
      problems.add(where + ": field 'target.kubernetes.regions' is missing: a kubernetes target names a cluster per"
          + " region, e.g. `kubernetes: {regions: {eu-1: {apiServer: https://k8s.eu-1.example.com:6443, caFile:"
          + " /etc/gantry/k8s/eu-1-ca.pem, token: file:/etc/gantry/k8s/eu-1.token, namespace: shop, deployments:"
          + " [hello-service], container: app}}}`");
      return null;
    }
    int before = problems.size();
    for (String named : spec.regions().keySet()) {
      if (!regions.contains(named)) {
        problems.add(where + ": field 'target.kubernetes.regions." + named + "' names a region that is not in"
            + " 'regions' (" + String.join(", ", regions) + "): add it there or remove this entry");
      }
    }
    Map<String, ClusterSettings> resolved = new LinkedHashMap<>();
    Map<String, String> regionOfCluster = new LinkedHashMap<>();
    for (String region : regions) {
      ClusterSpec cluster = spec.regions().get(region);
      String field = "target.kubernetes.regions." + region;
      if (cluster == null) {
        problems.add(where + ": field '" + field + "' is missing: every region needs its cluster (apiServer,"
            + " caFile, token or clientCertFile/clientKeyFile, namespace, deployments, container)");
        continue;
      }
      ClusterSettings settings = cluster(where, field, base, cluster, problems);
      if (settings != null) {
        String key = settings.apiServer() + " " + settings.namespace();
        String other = regionOfCluster.putIfAbsent(key, region);
        if (other != null && settings.deployments().stream()
            .anyMatch(resolved.get(other).deployments()::contains)) {
          problems.add(where + ": regions " + other + " and " + region + " name the same Deployment in the same"
              + " cluster and namespace: a region is a cluster of its own (or at least Deployments of its own)");
        }
        resolved.put(region, settings);
      }
    }
    SpecChecks.checkRange(where, "target.kubernetes.rolloutTimeoutSeconds", spec.rolloutTimeoutSeconds(), 10,
        KubernetesSettings.MAX_ROLLOUT_TIMEOUT_SECONDS, problems);
    return problems.size() > before ? null : new KubernetesSettings(resolved, spec.rolloutTimeoutSeconds());
  }

  /**
   * A canary, linear or blue-green rollout on Kubernetes shares a Service's requests between the stable
   * Deployment and its canary: each region names exactly one Deployment and that Service.
   */
  static void checkProgressive(String where, KubernetesSettings settings, List<String> problems) {
    settings.regions().forEach((region, cluster) -> {
      String field = "target.kubernetes.regions." + region;
      if (cluster.deployments().size() != 1) {
        problems.add(where + ": field '" + field + ".deployments' names " + cluster.deployments().size()
            + " Deployments; a progressive rollout (rollout.strategy) moves one Deployment per region: name one, or"
            + " use `rollout: {strategy: all-at-once}`");
      }
      if (cluster.service() == null) {
        problems.add(where + ": field '" + field + ".service' is missing: a progressive rollout shares the requests"
            + " of the Service in front of the Deployment between its stable and canary pods, e.g."
            + " `service: hello-service`");
      }
    });
  }

  private static ClusterSettings cluster(String where, String field, Path base, ClusterSpec spec,
      List<String> problems) {
    int before = problems.size();
    if (blank(spec.apiServer())) {
      problems.add(where + ": field '" + field + ".apiServer' is missing: the cluster's API server, e.g."
          + " https://k8s.eu-1.example.com:6443");
    } else {
      checkApiServer(where, field + ".apiServer", spec.apiServer(), problems);
    }
    String caFile = file(where, field + ".caFile", base, spec.caFile(), true, problems,
        "the PEM file on the worker that signs the API server's certificate");
    boolean byToken = !blank(spec.token());
    boolean byCertificate = !blank(spec.clientCertFile()) || !blank(spec.clientKeyFile());
    String token = null;
    String clientCert = null;
    String clientKey = null;
    if (byToken == byCertificate) {
      problems.add(where + ": field '" + field + "' needs exactly one way to log in: `token: file:/path` (or"
          + " `token: env:VARIABLE`), or `clientCertFile` with `clientKeyFile`");
    } else if (byToken) {
      token = token(where, field + ".token", base, spec.token(), problems);
    } else {
      clientCert = file(where, field + ".clientCertFile", base, spec.clientCertFile(), true, problems,
          "the client certificate (PEM) on the worker");
      clientKey = file(where, field + ".clientKeyFile", base, spec.clientKeyFile(), true, problems,
          "the client certificate's private key (PEM) on the worker");
    }
    if (blank(spec.namespace()) || !LABEL.matcher(spec.namespace()).matches()) {
      problems.add(where + ": field '" + field + ".namespace' must be a namespace name (lowercase letters, digits,"
          + " '-'), got " + Names.shown(spec.namespace()));
    }
    List<String> deployments = spec.deployments() == null ? List.of() : spec.deployments();
    if (deployments.isEmpty()) {
      problems.add(where + ": field '" + field + ".deployments' is missing: the Deployments that run the"
          + " application in this region, e.g. `deployments: [hello-service]`");
    }
    if (new HashSet<>(deployments).size() != deployments.size()) {
      problems.add(where + ": field '" + field + ".deployments' names a Deployment twice");
    }
    for (String deployment : deployments) {
      if (deployment == null || !SUBDOMAIN.matcher(deployment).matches()) {
        problems.add(where + ": field '" + field + ".deployments' has " + Names.shown(deployment)
            + ": Deployment names are lowercase letters, digits, '-' and '.'");
      }
    }
    if (blank(spec.container()) || !LABEL.matcher(spec.container()).matches()) {
      problems.add(where + ": field '" + field + ".container' must name the container of the pod template that"
          + " runs the application's image (lowercase letters, digits, '-'), got " + Names.shown(spec.container()));
    }
    if (spec.service() != null && !LABEL.matcher(spec.service()).matches()) {
      problems.add(where + ": field '" + field + ".service' must name the Service in front of the Deployment"
          + " (lowercase letters, digits, '-'), got " + Names.shown(spec.service()));
    }
    if (problems.size() > before) {
      return null;
    }
    return new ClusterSettings(spec.apiServer(), caFile, token, clientCert, clientKey, spec.namespace(),
        List.copyOf(deployments), spec.container(), spec.service());
  }

  private static void checkApiServer(String where, String field, String value, List<String> problems) {
    try {
      URI uri = new URI(value);
      if (!"https".equals(uri.getScheme()) || uri.getHost() == null || uri.getUserInfo() != null
          || uri.getQuery() != null || uri.getFragment() != null
          || (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/"))) {
        problems.add(where + ": field '" + field + "' must be https://host[:port] (no user, path or query), got "
            + Names.shown(value) + ": Gantry talks to API servers over TLS only");
      }
    } catch (URISyntaxException e) {
      problems.add(where + ": field '" + field + "' is not a URL: use https://host[:port]");
    }
  }

  /** {@code file:/path} (resolved like every policy path) or {@code env:NAME}; never the token itself. */
  private static String token(String where, String field, Path base, String value, List<String> problems) {
    if (value.startsWith(ClusterSettings.ENV_REFERENCE)) {
      String name = value.substring(ClusterSettings.ENV_REFERENCE.length());
      if (!ENV_NAME.matcher(name).matches()) {
        problems.add(where + ": field '" + field + "': env: names a variable on the worker (letters, digits, '_')");
        return null;
      }
      return value;
    }
    if (value.startsWith(ClusterSettings.FILE_REFERENCE)) {
      String path = file(where, field, base, value.substring(ClusterSettings.FILE_REFERENCE.length()), true,
          problems, "the token file on the worker");
      return path == null ? null : ClusterSettings.FILE_REFERENCE + path;
    }
    problems.add(where + ": field '" + field + "' must be a reference, `file:/path/on/the/worker` or"
        + " `env:VARIABLE_ON_THE_WORKER`; never the token itself (policy and release histories are not secret)");
    return null;
  }

  /** A file on the worker: resolved against the policy directory; it must exist (when the worker reads policy). */
  private static String file(String where, String field, Path base, String value, boolean required,
      List<String> problems, String what) {
    if (blank(value)) {
      if (required) {
        problems.add(where + ": field '" + field + "' is missing: " + what);
      }
      return null;
    }
    Path path = base.resolve(value).normalize();
    if (!Files.isRegularFile(path)) {
      problems.add(where + ": field '" + field + "': " + path + " does not exist (" + what + ")");
      return null;
    }
    return path.toString();
  }

  /** Every file of the target (CA, token file, client certificate and key), for the roots check. */
  static List<String> files(KubernetesSettings settings) {
    List<String> files = new ArrayList<>();
    settings.regions().forEach((region, cluster) -> {
      for (String file : new String[] {cluster.caFile(), cluster.clientCertFile(), cluster.clientKeyFile(),
          cluster.token() != null && cluster.token().startsWith(ClusterSettings.FILE_REFERENCE)
              ? cluster.token().substring(ClusterSettings.FILE_REFERENCE.length()) : null}) {
        if (file != null) {
          files.add(file);
        }
      }
    });
    return files;
  }
}
