package dev.gantry.bench;

import dev.gantry.activities.kubernetes.KubernetesClusters;
import dev.gantry.activities.kubernetes.KubernetesTarget;
import dev.gantry.activities.local.HealthChecker;
import dev.gantry.activities.support.KubernetesCluster;
import dev.gantry.workflows.api.artifact.ArtifactRef;
import dev.gantry.workflows.api.deploy.DeployRequest;
import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.deploy.RollbackRequest;
import dev.gantry.workflows.api.kubernetes.ClusterSettings;
import dev.gantry.workflows.api.kubernetes.KubernetesSettings;
import dev.gantry.workflows.api.rollout.WeightRequest;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the kubernetes target's operations take on a real control plane ({@link KubernetesCluster}: etcd,
 * kube-apiserver, controller-manager, scheduler, kwok's fake node, all on this machine), per Deployment size:
 * an all-at-once deploy (patch to rolled out) and its rollback, and a canary's dark launch, steps of 25% and
 * 50%, promotion, and a rollback from 50%. Each operation is the adapter's own call, as the worker's activity
 * runs it (no Temporal in between: bench/run.sh measures that overhead). Prints a markdown table of medians
 * (min, max) and writes it to RESULTS/kubernetes-rollout.md.
 *
 * <pre>bench/run-kubernetes.sh [--replicas "4 20"] [--runs 5]</pre>
 */
public final class KubernetesRolloutBench {
  static final String NAMESPACE = "bench";
  static final String REPO = "registry.example.com/shop/hello-service";
  static final String OLD = "sha256:" + "a".repeat(64);
  static final String NEW = "sha256:" + "b".repeat(64);

  public static void main(String[] args) {
    int exit = 1;
    try {
      exit = run(args);
    } catch (Exception e) {
      System.err.println("kubernetes rollout benchmark FAILED: " + e);
      e.printStackTrace();
    }
    System.exit(exit);
  }

  static int run(String[] args) throws Exception {
    List<Integer> sizes = List.of(4, 20);
    int runs = 5;
    Path results = Path.of("bench/results");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--replicas" -> sizes = Arrays.stream(args[++i].trim().split("\\s+")).map(Integer::valueOf).toList();
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--results" -> results = Path.of(args[++i]);
        default -> {
          System.err.println("unknown option " + args[i] + "; see the class comment");
          return 2;
        }
      }
    }
    long started = System.nanoTime();
    try (KubernetesCluster cluster = KubernetesCluster.start("bench")) {
      long startMillis = (System.nanoTime() - started) / 1_000_000;
      var admin = cluster.client();
      admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
          .create();
      Path credentials = Files.createTempDirectory("gantry-bench-kubernetes");
      Files.writeString(credentials.resolve("ca.pem"), cluster.caPem());
      Files.writeString(credentials.resolve("token"), cluster.adminToken());
      KubernetesTarget target = new KubernetesTarget(new KubernetesClusters(name -> null), new HealthChecker(),
          Clock.systemUTC());
      Map<String, List<Long>> timings = new LinkedHashMap<>();
      int made = 0;
      for (int replicas : sizes) {
        for (int run = 0; run < runs; run++) {
          String name = "hello-" + (++made);
          DeployTarget kubernetes = create(cluster, credentials, name, replicas);
          String release = "release/hello-service/" + made;
          time(timings, replicas, "deploy all at once (patch to rolled out)",
              () -> target.deploy(deploy(release, kubernetes)));
          time(timings, replicas, "rollback of that deploy (previous template rolled out)",
              () -> target.rollback(rollback(release, kubernetes)));

          String canary = name + "-c";
          DeployTarget progressive = create(cluster, credentials, canary, replicas);
          String canaryRelease = release + "-canary";
          time(timings, replicas, "canary: dark launch (pin, 1 replica rolled out)",
              () -> target.deployDark(deploy(canaryRelease, progressive)));
          time(timings, replicas, "canary: step 25%", () -> target.setWeight(weight(canaryRelease, progressive, 25)));
          time(timings, replicas, "canary: step 50%", () -> target.setWeight(weight(canaryRelease, progressive, 50)));
          time(timings, replicas, "canary: promotion (switch, stable rolled, canary removed)",
              () -> target.setWeight(weight(canaryRelease, progressive, 100)));

          String aborted = name + "-r";
          DeployTarget undone = create(cluster, credentials, aborted, replicas);
          String abortedRelease = release + "-aborted";
          target.deployDark(deploy(abortedRelease, undone));
          target.setWeight(weight(abortedRelease, undone, 50));
          time(timings, replicas, "canary: rollback from 50% (replicas back, canary and pin removed)",
              () -> target.rollback(rollback(abortedRelease, undone)));
          for (String done : List.of(name, canary, aborted)) {
            admin.apps().deployments().inNamespace(NAMESPACE).withName(done).delete();
            admin.services().inNamespace(NAMESPACE).withName(done).delete();
          }
        }
      }
      String table = table(timings, runs, startMillis, cluster.residentBytes());
      System.out.println(table);
      Files.createDirectories(results);
      Files.writeString(results.resolve("kubernetes-rollout.md"), table);
    }
    return 0;
  }

  /** A Deployment of the old image with {@code replicas}, rolled out, its Service, and the policy that names both. */
  static DeployTarget create(KubernetesCluster cluster, Path credentials, String name, int replicas) {
    var admin = cluster.client();
    admin.apps().deployments().inNamespace(NAMESPACE).resource(new DeploymentBuilder()
        .withNewMetadata().withName(name).withNamespace(NAMESPACE).endMetadata()
        .withNewSpec().withReplicas(replicas).withProgressDeadlineSeconds(30)
        .withNewSelector().addToMatchLabels("app", name).endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage(REPO + "@" + OLD).endContainer().endSpec()
        .endTemplate().endSpec().build()).create();
    admin.services().inNamespace(NAMESPACE).resource(new ServiceBuilder()
        .withNewMetadata().withName(name).withNamespace(NAMESPACE).endMetadata()
        .withNewSpec().addToSelector("app", name).addNewPort().withPort(80).endPort().endSpec().build()).create();
    admin.apps().deployments().inNamespace(NAMESPACE).withName(name).waitUntilCondition(d -> d != null
        && d.getStatus() != null && Integer.valueOf(replicas).equals(d.getStatus().getAvailableReplicas()),
        120, TimeUnit.SECONDS);
    ClusterSettings settings = new ClusterSettings(cluster.apiServerUrl().toString(),
        credentials.resolve("ca.pem").toString(), "file:" + credentials.resolve("token"), null, null, NAMESPACE,
        List.of(name), "app", name);
    return DeployTarget.kubernetes(new KubernetesSettings(Map.of("bench-1", settings), 120));
  }

  static DeployRequest deploy(String release, DeployTarget target) {
    return new DeployRequest(release, "hello-service", "1.4.0", new ArtifactRef(ArtifactRef.IMAGE, REPO, NEW),
        "production", "bench-1", target);
  }

  static RollbackRequest rollback(String release, DeployTarget target) {
    return new RollbackRequest(release, "hello-service", "1.4.0", "production", "bench-1", target, "benchmark");
  }

  static WeightRequest weight(String release, DeployTarget target, int weight) {
    return new WeightRequest(release, "hello-service", "1.4.0", "production", "bench-1", target, weight);
  }

  static void time(Map<String, List<Long>> timings, int replicas, String what, Runnable operation) {
    long started = System.nanoTime();
    operation.run();
    timings.computeIfAbsent(replicas + " replicas|" + what, key -> new ArrayList<>())
        .add((System.nanoTime() - started) / 1_000_000);
  }

  static String table(Map<String, List<Long>> timings, int runs, long startMillis, long residentBytes) {
    StringBuilder out = new StringBuilder("## Kubernetes target on a real control plane (kwok node)\n\n")
        .append("Control plane start (etcd, apiserver, controller-manager, scheduler, kwok): ").append(startMillis)
        .append(" ms; resident after the runs: ").append(residentBytes / (1024 * 1024)).append(" MiB. ")
        .append(runs).append(" run(s) per size; ms.\n\n")
        .append("| replicas | operation | median | min | max |\n|---:|---|---:|---:|---:|\n");
    timings.forEach((key, values) -> {
      List<Long> sorted = values.stream().sorted().toList();
      String[] parts = key.split("\\|", 2);
      out.append("| ").append(parts[0].replace(" replicas", "")).append(" | ").append(parts[1]).append(" | ")
          .append(sorted.get(sorted.size() / 2)).append(" | ").append(sorted.get(0)).append(" | ")
          .append(sorted.get(sorted.size() - 1)).append(" |\n");
    });
    return out.toString();
  }
}
