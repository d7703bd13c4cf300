package dev.gantry.activities.support;

import dev.gantry.activities.signing.KeyFiles;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A real Kubernetes control plane on loopback for tests, one per region: etcd, kube-apiserver,
 * kube-controller-manager and kube-scheduler (v1.37, built by {@code scripts/test-tools.sh}), and kwok, which
 * plays one node and its pods, so Deployments really roll out (ReplicaSets, pods that become Ready, the
 * Deployment's conditions). Everything runs on free loopback ports in a temporary folder, which
 * {@link #close()} removes after stopping every process (and anything they started).
 *
 * <p>Access: {@link #apiServerUrl()} with {@link #caPem()} and a bearer token, either {@link #adminToken()}
 * ({@code system:masters}) or {@link #workerToken()} (user {@value #WORKER_USER}, no groups: it may do only
 * what RBAC objects a test creates grant it). {@link #client()} is a fabric8 client with the admin token,
 * {@link #kubeconfig()} a kubeconfig for kubectl ({@link #kubectl}).
 *
 * <p>Pods: any pod lands on the one fake node ({@value #NODE}) and becomes Ready at once, unless one of its
 * container images contains {@value #NEVER_READY}: that pod runs but never becomes Ready (as with a failing
 * readiness probe), so a Deployment of such an image never completes its rollout (see
 * {@code src/test/resources/kubernetes/kwok.yaml}).
 *
 * <p>A missing tool skips the test, or fails it where peers are required ({@link Peers#require}).
 */
public final class KubernetesCluster implements AutoCloseable {
  /** An image reference containing this never becomes Ready on these clusters. */
  public static final String NEVER_READY = "never-ready";
  /** The user {@link #workerToken()} authenticates as: no groups, RBAC alone decides. */
  public static final String WORKER_USER = "gantry-worker";
  /** The fake node every pod is scheduled on. */
  public static final String NODE = "kwok-node-0";
  private static final List<String> BINARIES =
      List.of("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final String name;
  private final Path dir;
  private final List<Process> processes = new ArrayList<>();
  private final Thread shutdownHook;
  private int apiPort;
  private String caPem;
  private String adminToken;
  private String workerToken;
  private Duration startTime;
  private KubernetesClient client;
  private boolean closed;

  private KubernetesCluster(String name, Path dir) {
    this.name = name;
    this.dir = dir;
    // A test JVM that exits without close() (a crash, Ctrl-C) still stops the control plane.
    this.shutdownHook = new Thread(this::stopProcesses, "kubernetes-cluster-" + name + "-stop");
  }

  /**
   * Starts a cluster and waits until it takes pods: the API server answers {@code /readyz}, the fake node is
   * Ready and schedulable and the {@code default} namespace has its {@code default} ServiceAccount. {@code name}
   * (letters, digits, dashes) names the folder and etcd member, e.g. the region.
   */
  public static KubernetesCluster start(String name) {
    if (!name.matches("[a-z0-9][a-z0-9-]{0,40}")) {
      throw new IllegalArgumentException("cluster name must be lower-case letters, digits and dashes: " + name);
    }
    Map<String, Path> tools = new java.util.LinkedHashMap<>();
    for (String binary : BINARIES) {
      tools.put(binary, TestTools.require("bin/" + binary));
    }
    // A free port can be taken between finding it and a process binding it (by any connection's local port):
    // start again on new ports then.
    for (int attempt = 1; ; attempt++) {
      Path dir;
      try {
        dir = Files.createTempDirectory("kubernetes-" + name + "-");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      KubernetesCluster cluster = new KubernetesCluster(name, dir);
      Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
      try {
        cluster.launch(tools);
        return cluster;
      } catch (RuntimeException | Error e) {
        cluster.close();
        if (attempt == 3 || e.getMessage() == null || !e.getMessage().contains("address already in use")) {
          throw e;
        }
      }
    }
  }

  public String name() {
    return name;
  }

  /** {@code https://127.0.0.1:<port>}. */
  public URI apiServerUrl() {
    return URI.create("https://127.0.0.1:" + apiPort);
  }

  /** The PEM of the CA that signed the API server's certificate (for 127.0.0.1 and localhost). */
  public String caPem() {
    return caPem;
  }

  /** A bearer token of a cluster administrator (group {@code system:masters}). */
  public String adminToken() {
    return adminToken;
  }

  /** A bearer token of user {@value #WORKER_USER}, in no group: forbidden everything RBAC does not grant. */
  public String workerToken() {
    return workerToken;
  }

  /** A kubeconfig with the admin token, for kubectl. */
  public Path kubeconfig() {
    return dir.resolve("admin.kubeconfig");
  }

  /** The folder everything lives in (logs: {@code <process>.log}); removed by {@link #close()}. */
  public Path directory() {
    return dir;
  }

  /** How long {@link #start} took, from the first process to ready. */
  public Duration startTime() {
    return startTime;
  }

  /** A fabric8 client with the admin token; closed with the cluster. */
  public synchronized KubernetesClient client() {
    if (client == null) {
      client = client(adminToken);
    }
    return client;
  }

  /** A new fabric8 client with {@code token}; the caller closes it. Ignores ~/.kube and KUBECONFIG. */
  public KubernetesClient client(String token) {
    Config config = new ConfigBuilder(Config.empty())
        .withMasterUrl(apiServerUrl().toString())
        .withCaCertData(Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.UTF_8)))
        .withOauthToken(token)
        .withRequestTimeout(10_000)
        .withConnectionTimeout(5_000)
        // The API server answers an unknown token on HTTP/2 with a GOAWAY, which the JDK client reports as an
        // I/O error instead of the 401 it also sent; HTTP/1.1 gets the plain 401.
        .withHttp2Disable(true)
        // fail fast: a test wants to see a refused connection, not ten backed-off retries of it
        .withRequestRetryBackoffLimit(0)
        .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** Runs the kubectl built with the cluster against it (admin); returns its output, fails on a non-zero exit. */
  public String kubectl(String... arguments) {
    List<String> command = new ArrayList<>(List.of(TestTools.require("bin/kubectl").toString(),
        "--kubeconfig", kubeconfig().toString()));
    command.addAll(List.of(arguments));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(2, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException("kubectl " + String.join(" ", arguments) + " did not finish: " + output);
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException("kubectl " + String.join(" ", arguments) + " exited with "
            + process.exitValue() + ": " + output);
      }
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** True while every process of the control plane runs. */
  public boolean running() {
    return !processes.isEmpty() && processes.stream().allMatch(Process::isAlive);
  }

  /** The process ids of etcd, the API server, the controller manager, the scheduler and kwok, in that order. */
  public List<Long> processIds() {
    return processes.stream().map(Process::pid).toList();
  }

  /** The resident memory of the control plane's processes together, from /proc (Linux), in bytes. */
  public long residentBytes() {
    long total = 0;
    for (Process process : processes) {
      Path status = Path.of("/proc", String.valueOf(process.pid()), "status");
      try {
        for (String line : Files.readAllLines(status)) {
          if (line.startsWith("VmRSS:")) {
            total += Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
          }
        }
      } catch (IOException gone) {
        // a process that exited holds no memory
      }
    }
    return total;
  }

  /** Stops every process (and their children), then removes the folder. Clients then get connection errors. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (client != null) {
      client.close();
    }
    stopProcesses();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or about to
    }
    deleteFolder();
  }

  private void launch(Map<String, Path> tools) {
    Instant started = Instant.now();
    apiPort = Peers.freePort(); // before the kubeconfig that names it
    writeCredentials();
    int etcdPort = Peers.freePort();
    int etcdPeerPort = Peers.freePort();
    String etcdUrl = "http://127.0.0.1:" + etcdPort;
    Process etcd = run("etcd", tools.get("etcd").toString(),
        "--name", name,
        "--data-dir", dir.resolve("etcd").toString(),
        "--listen-client-urls", etcdUrl, "--advertise-client-urls", etcdUrl,
        "--listen-peer-urls", "http://127.0.0.1:" + etcdPeerPort,
        "--initial-advertise-peer-urls", "http://127.0.0.1:" + etcdPeerPort,
        "--initial-cluster", name + "=http://127.0.0.1:" + etcdPeerPort,
        "--listen-metrics-urls", "http://127.0.0.1:" + Peers.freePort(),
        // test data: losing it on a crash is fine, and fsync on a shared CI disk is what makes etcd slow
        "--unsafe-no-fsync",
        "--log-level", "warn");
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    Peers.await(etcd, START_TIMEOUT, () -> status(http, URI.create(etcdUrl + "/health"), null) == 200,
        "etcd of cluster " + name, () -> log("etcd"));

    Process apiServer = run("kube-apiserver", tools.get("kube-apiserver").toString(),
        "--etcd-servers", etcdUrl,
        "--bind-address", "127.0.0.1", "--advertise-address", "127.0.0.1",
        "--secure-port", String.valueOf(apiPort),
        "--tls-cert-file", dir.resolve("apiserver.crt").toString(),
        "--tls-private-key-file", dir.resolve("apiserver.key").toString(),
        "--cert-dir", dir.resolve("certs").toString(),
        "--token-auth-file", dir.resolve("tokens.csv").toString(),
        "--authorization-mode", "RBAC",
        "--service-account-issuer", "https://kubernetes.default.svc.cluster.local",
        "--service-account-key-file", dir.resolve("service-account.pub").toString(),
        "--service-account-signing-key-file", dir.resolve("service-account.key").toString(),
        // Services get addresses from this range; nothing routes to them (no kube-proxy)
        "--service-cluster-ip-range", "10.96.0.0/16",
        // 1.37 refuses 127.0.0.1 as the address of the kubernetes Service's endpoints otherwise
        "--endpoint-reconciler-type", "none",
        "--enable-priority-and-fairness=false",
        "--profiling=false");
    Peers.await(apiServer, START_TIMEOUT,
        () -> status(http, apiServerUrl().resolve("/readyz"), adminToken) == 200,
        "kube-apiserver of cluster " + name, () -> log("kube-apiserver"));

    run("kube-controller-manager", tools.get("kube-controller-manager").toString(),
        "--kubeconfig", kubeconfig().toString(),
        "--secure-port", "0",
        "--leader-elect=false",
        // no kubelets, no cloud: these would taint the fake node, or wait for volumes and pod CIDRs forever
        "--controllers", "*,-node-ipam-controller,-node-lifecycle-controller,"
            + "-persistentvolume-attach-detach-controller",
        "--service-account-private-key-file", dir.resolve("service-account.key").toString(),
        "--root-ca-file", dir.resolve("ca.crt").toString(),
        "--use-service-account-credentials=false");
    run("kube-scheduler", tools.get("kube-scheduler").toString(),
        "--kubeconfig", kubeconfig().toString(),
        "--secure-port", "0",
        "--leader-elect=false");
    run("kwok", tools.get("kwok").toString(),
        "--kubeconfig", kubeconfig().toString(),
        "--config", dir.resolve("kwok.yaml").toString(),
        "--manage-nodes-with-annotation-selector", "kwok.x-k8s.io/node=fake");

    KubernetesClient admin = client();
    prepare(admin);
    for (Process process : processes) {
      if (!process.isAlive()) {
        throw new IllegalStateException("a process of cluster " + name + " exited: " + logs());
      }
    }
    startTime = Duration.between(started, Instant.now());
  }

  /** The fake node (Ready, without the not-ready taint) and the default ServiceAccount pods need. */
  private void prepare(KubernetesClient admin) {
    admin.nodes().resource(new NodeBuilder()
        .withNewMetadata().withName(NODE)
        .addToAnnotations("kwok.x-k8s.io/node", "fake")
        .addToAnnotations("node.alpha.kubernetes.io/ttl", "0")
        .addToLabels("kubernetes.io/hostname", NODE)
        .addToLabels("kubernetes.io/os", "linux")
        .addToLabels("kubernetes.io/arch", "amd64")
        .addToLabels("type", "kwok")
        .endMetadata()
        .build()).create();
    // The API server taints a new node not-ready; the node-lifecycle controller that would lift it once kwok
    // reports the node Ready is off (there is no kubelet for it to watch), so lift it here.
    awaitCondition("node " + NODE + " Ready", () -> {
      var node = admin.nodes().withName(NODE).get();
      return node != null && node.getStatus() != null && node.getStatus().getConditions() != null
          && node.getStatus().getConditions().stream()
              .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
    });
    admin.nodes().withName(NODE).edit(node -> {
      node.getSpec().setTaints(List.of());
      return node;
    });
    if (admin.namespaces().withName("default").get() == null) {
      admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("default").endMetadata()
          .build()).create();
    }
    // The serviceaccount controller creates it too, a little later; pods are refused until it exists.
    try {
      admin.serviceAccounts().inNamespace("default").resource(new ServiceAccountBuilder()
          .withNewMetadata().withName("default").endMetadata().build()).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }

  private void awaitCondition(String what, java.util.function.BooleanSupplier condition) {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(what + " not within " + START_TIMEOUT.toSeconds() + " s: " + logs());
      }
      for (Process process : processes) {
        if (!process.isAlive()) {
          throw new IllegalStateException("a process of cluster " + name + " exited: " + logs());
        }
      }
      sleep(Duration.ofMillis(50));
    }
  }

  private Process run(String logName, String... command) {
    try {
      Process process = new ProcessBuilder(command)
          .directory(dir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(dir.resolve(logName + ".log").toFile())
          .start();
      processes.add(process);
      return process;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command[0], e);
    }
  }

  /**
   * CA, the API server's certificate, the service-account signing key, the static tokens, the kubeconfig and
   * kwok's configuration, all written into the folder.
   */
  private void writeCredentials() {
    KeyPair caKey = KeyFiles.generate();
    X509Certificate ca = certificate("CN=gantry-test-" + name + "-ca", "CN=gantry-test-" + name + "-ca",
        caKey, caKey, true);
    KeyPair serverKey = KeyFiles.generate();
    X509Certificate server = certificate("CN=kube-apiserver", "CN=gantry-test-" + name + "-ca",
        serverKey, caKey, false);
    KeyPair serviceAccountKey = KeyFiles.generate();
    caPem = pem(ca);
    adminToken = randomToken();
    workerToken = randomToken();
    write("ca.crt", caPem);
    write("apiserver.crt", pem(server));
    write("apiserver.key", pkcs8Pem(serverKey.getPrivate()));
    write("service-account.key", pkcs8Pem(serviceAccountKey.getPrivate()));
    write("service-account.pub", pem(serviceAccountKey.getPublic()));
    write("tokens.csv", adminToken + ",admin,admin,system:masters\n"
        + workerToken + "," + WORKER_USER + "," + WORKER_USER + "\n");
    write("admin.kubeconfig", """
        apiVersion: v1
        kind: Config
        clusters:
        - name: %1$s
          cluster:
            server: https://127.0.0.1:%2$d
            certificate-authority: %3$s
        users:
        - name: admin
          user:
            token: %4$s
        contexts:
        - name: %1$s
          context:
            cluster: %1$s
            user: admin
        current-context: %1$s
        """.formatted(name, apiPort, dir.resolve("ca.crt"), adminToken));
    try (InputStream kwok = KubernetesCluster.class.getResourceAsStream("/kubernetes/kwok.yaml")) {
      if (kwok == null) {
        throw new IllegalStateException("kubernetes/kwok.yaml is missing from the test classpath");
      }
      Files.write(dir.resolve("kwok.yaml"), kwok.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static X509Certificate certificate(String subject, String issuer, KeyPair subjectKey, KeyPair issuerKey,
      boolean ca) {
    try {
      Instant now = Instant.now();
      JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name(issuer),
          new BigInteger(64, new SecureRandom()), java.util.Date.from(now.minus(Duration.ofHours(1))),
          java.util.Date.from(now.plus(Duration.ofDays(7))), new X500Name(subject), subjectKey.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      if (ca) {
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      } else {
        builder.addExtension(Extension.keyUsage, true,
            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
      }
      return new JcaX509CertificateConverter().getCertificate(
          builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey.getPrivate())));
    } catch (Exception e) {
      throw new IllegalStateException("cannot make a test certificate", e);
    }
  }

  private static String pem(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /**
   * A private key as PKCS#8 ({@code PRIVATE KEY}): Go reads that for any key type, while the SEC1 form a PEM
   * writer makes of a JDK EC key carries no curve and Go refuses it.
   */
  private static String pkcs8Pem(java.security.PrivateKey key) {
    return "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
  }

  private static String randomToken() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private void write(String file, String content) {
    try {
      Files.writeString(dir.resolve(file), content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The HTTP status of a GET, or -1 while nothing answers; trusts only this cluster's CA. */
  private int status(HttpClient plain, URI uri, String token) {
    try {
      HttpClient http = uri.getScheme().equals("https") ? tlsClient() : plain;
      HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2));
      if (token != null) {
        request.header("Authorization", "Bearer " + token);
      }
      return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException notYet) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private HttpClient tls;

  private HttpClient tlsClient() {
    if (tls == null) {
      try {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509")
            .generateCertificate(new java.io.ByteArrayInputStream(caPem.getBytes(StandardCharsets.US_ASCII))));
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        tls = HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(1)).build();
      } catch (Exception e) {
        throw new IllegalStateException("cannot trust the test CA", e);
      }
    }
    return tls;
  }

  private void stopProcesses() {
    // Killed, not asked to stop: the data is thrown away anyway, and a graceful API server shutdown waits
    // for its clients (up to tens of seconds). Children first, so none outlives its parent.
    for (Process process : processes) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
    for (Process process : processes) {
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void deleteFolder() {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException ignored) {
      // a temp folder left behind
    }
  }

  private String log(String process) {
    Path file = dir.resolve(process + ".log");
    try {
      List<String> lines = Files.readAllLines(file);
      return process + ".log (last lines):\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 30),
          lines.size()));
    } catch (IOException e) {
      return "(no " + process + ".log)";
    }
  }

  private String logs() {
    StringBuilder all = new StringBuilder();
    for (String binary : BINARIES) {
      all.append('\n').append(log(binary));
    }
    return all.toString();
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
