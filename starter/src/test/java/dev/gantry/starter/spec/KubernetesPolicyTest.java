package dev.gantry.starter.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.kubernetes.ClusterSettings;
import dev.gantry.workflows.api.kubernetes.KubernetesSettings;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kubernetes target in a policy directory: a good config, and each mistake named with its field and fix. */
class KubernetesPolicyTest {
  @TempDir Path dir;
  private Path credentials;

  static final String GOOD = """
      regions:
        - {name: eu-1, primary: true}
        - {name: us-1}
      target:
        type: kubernetes
        kubernetes:
          rolloutTimeoutSeconds: 120
          regions:
            eu-1:
              apiServer: https://127.0.0.1:16443
              caFile: CREDS/eu-1-ca.pem
              token: file:CREDS/eu-1.token
              namespace: shop
              deployments: [hello-service]
              container: app
            us-1:
              apiServer: https://127.0.0.1:26443
              caFile: CREDS/us-1-ca.pem
              clientCertFile: CREDS/us-1.crt
              clientKeyFile: CREDS/us-1.key
              namespace: shop
              deployments: [hello-service, hello-worker]
              container: app
      verification: {required: false}
      """;

  @BeforeEach
  void policy() throws IOException {
    credentials = Files.createDirectories(dir.resolve("secrets"));
    for (String file : List.of("eu-1-ca.pem", "eu-1.token", "us-1-ca.pem", "us-1.crt", "us-1.key")) {
      Files.writeString(credentials.resolve(file), "not read by the policy loader");
    }
    Files.writeString(dir.resolve("policy.yaml"), """
        roots:
          credentials: [secrets]
          images: [registry.example.com/]
        applications:
          hello-service: {promotion: [production]}
        """);
  }

  @Test
  void aGoodConfigResolvesAClusterPerRegion() throws IOException {
    config(GOOD);

    EnvironmentPlan plan = load();

    assertThat(plan.target().type()).isEqualTo(DeployTarget.KUBERNETES);
    KubernetesSettings kubernetes = plan.target().kubernetes();
    assertThat(kubernetes.rolloutTimeoutSecondsOrDefault()).isEqualTo(120);
    assertThat(kubernetes.regions()).containsOnlyKeys("eu-1", "us-1");
    ClusterSettings eu = kubernetes.region("eu-1");
    assertThat(eu.apiServer()).isEqualTo("https://127.0.0.1:16443");
    assertThat(eu.caFile()).isEqualTo(credentials.resolve("eu-1-ca.pem").toString());
    assertThat(eu.token()).isEqualTo("file:" + credentials.resolve("eu-1.token"));
    assertThat(kubernetes.region("us-1").deployments()).containsExactly("hello-service", "hello-worker");
    assertThat(kubernetes.region("us-1").clientKeyFile()).isEqualTo(credentials.resolve("us-1.key").toString());
    assertThat(plan.healthCheck().command()).as("the Deployments' conditions are the check").isNull();
    assertThat(plan.waves()).containsExactly(List.of("eu-1"), List.of("us-1"));
  }

  @Test
  void anEnvironmentVariableTokenIsAReference() throws IOException {
    config(GOOD.replace("token: file:CREDS/eu-1.token", "token: env:EU1_TOKEN"));

    assertThat(load().target().kubernetes().region("eu-1").token()).isEqualTo("env:EU1_TOKEN");
  }

  @Test
  void aTokenWrittenIntoPolicyIsRefused() throws IOException {
    config(GOOD.replace("token: file:CREDS/eu-1.token", "token: eyJhbGciOiJSUzI1NiIs"));

    assertProblems("field 'target.kubernetes.regions.eu-1.token' must be a reference", "never the token itself");
    assertThatThrownBy(this::load).isInstanceOfSatisfying(SpecException.class, e ->
        assertThat(String.join("\n", e.problems())).doesNotContain("eyJhbGciOiJSUzI1NiIs"));
  }

  @Test
  void aCredentialFileOutsideTheRootsIsRefused() throws IOException {
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Files.writeString(elsewhere.resolve("ca.pem"), "x");
    config(GOOD.replace("caFile: CREDS/eu-1-ca.pem", "caFile: " + elsewhere.resolve("ca.pem")));

    assertProblems("is outside every folder of 'roots.credentials'", "add its folder there");
  }

  @Test
  void aMissingCredentialFileIsNamed() throws IOException {
    config(GOOD.replace("CREDS/us-1.key", "CREDS/gone.key"));

    assertProblems("field 'target.kubernetes.regions.us-1.clientKeyFile'", "does not exist");
  }

  @Test
  void aPlainHttpApiServerIsRefused() throws IOException {
    config(GOOD.replace("https://127.0.0.1:26443", "http://127.0.0.1:26443"));

    assertProblems("field 'target.kubernetes.regions.us-1.apiServer' must be https://host[:port]");
  }

  @Test
  void aRegionWithoutAClusterIsNamed() throws IOException {
    config(GOOD.replace("  - {name: us-1}\n", "  - {name: us-1}\n  - {name: ap-1}\n"));

    assertProblems("field 'target.kubernetes.regions.ap-1' is missing");
  }

  @Test
  void aClusterForAnUndeclaredRegionIsNamed() throws IOException {
    config(GOOD.replace("  - {name: us-1}\n", ""));

    assertProblems("field 'target.kubernetes.regions.us-1' names a region that is not in 'regions'");
  }

  @Test
  void bothLoginsOrNoneAreRefused() throws IOException {
    config(GOOD.replace("token: file:CREDS/eu-1.token", "token: file:CREDS/eu-1.token\n"
        + "        clientCertFile: CREDS/us-1.crt"));

    assertProblems("field 'target.kubernetes.regions.eu-1' needs exactly one way to log in");
  }

  @Test
  void badNamesAreNamed() throws IOException {
    config(GOOD.replace("namespace: shop\n        deployments: [hello-service]\n",
        "namespace: Shop_1\n        deployments: [hello-service, Hello]\n"));

    assertProblems("field 'target.kubernetes.regions.eu-1.namespace' must be a namespace name",
        "field 'target.kubernetes.regions.eu-1.deployments' has 'Hello'");
  }

  @Test
  void aRolloutTimeoutLongerThanTheDeployActivityIsRefused() throws IOException {
    config(GOOD.replace("rolloutTimeoutSeconds: 120", "rolloutTimeoutSeconds: 3600"));

    assertProblems("field 'target.kubernetes.rolloutTimeoutSeconds' is 3600; allowed 10..540");
  }

  @Test
  void aCanaryNeedsOneDeploymentAndTheServiceInFrontOfItInEachRegion() throws IOException {
    config(GOOD + "rollout: {strategy: canary, steps: [25, 50, 100], bakeSeconds: 5}\n");

    assertProblems("field 'target.kubernetes.regions.us-1.deployments' names 2 Deployments; a progressive rollout",
        "field 'target.kubernetes.regions.eu-1.service' is missing",
        "field 'target.kubernetes.regions.us-1.service' is missing");
  }

  @Test
  void aCanaryWithTheServiceOfEachRegionLoads() throws IOException {
    config(GOOD.replace("deployments: [hello-service, hello-worker]", "deployments: [hello-service]")
        .replace("container: app", "container: app\n        service: hello-service")
        + "rollout: {strategy: canary, steps: [25, 50, 100], bakeSeconds: 5}\n");

    EnvironmentPlan production = load();
    assertThat(production.rollout().progressive()).isTrue();
    assertThat(production.target().kubernetes().region("us-1").service()).isEqualTo("hello-service");
  }

  @Test
  void theKubernetesExampleLoads() {
    EnvironmentPlan production = new ReleaseSpecLoader()
        .loadEnvironment(Path.of("../examples/kubernetes/release.yaml"), "production");
    assertThat(production.rollout().steps()).containsExactly(25, 50, 100);
    assertThat(production.target().kubernetes().regions()).containsOnlyKeys("eu-1", "us-1");
    assertThat(production.target().kubernetes().region("eu-1").service()).isEqualTo("hello-service");
  }

  @Test
  void aServiceNameMustBeAKubernetesName() throws IOException {
    config(GOOD.replace("container: app", "container: app\n        service: Hello_Service"));

    assertProblems("field 'target.kubernetes.regions.eu-1.service' must name the Service in front of the Deployment");
  }

  @Test
  void awsFieldsOnAKubernetesTargetAreRefused() throws IOException {
    config(GOOD.replace("type: kubernetes", "type: kubernetes\n  root: /srv"));

    assertProblems("fields 'target.root' and 'target.aws' are for local and AWS targets");
  }

  private EnvironmentPlan load() {
    return new PolicyDirectory().load(dir).applications().get("hello-service").environments().get("production");
  }

  private void config(String yaml) throws IOException {
    Path file = dir.resolve("environments/production/config.yaml");
    Files.createDirectories(file.getParent());
    Files.writeString(file, yaml.replace("CREDS", credentials.toString()));
  }

  private void assertProblems(String... expected) {
    assertThatThrownBy(this::load).isInstanceOfSatisfying(SpecException.class, e -> {
      for (String problem : expected) {
        assertThat(e.problems()).as(String.join("\n", e.problems()))
            .anyMatch(p -> p.contains(problem) && p.contains("config.yaml"));
      }
    });
  }
}
