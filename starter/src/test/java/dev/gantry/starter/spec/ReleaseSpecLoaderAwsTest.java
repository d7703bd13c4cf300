package dev.gantry.starter.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.workflows.api.aws.AwsTarget;
import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.ReleaseRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lambda and ecs targets in environments/&lt;env&gt;/config.yaml: good configs and each mistake. */
class ReleaseSpecLoaderAwsTest {
  private final PlanningLoader loader = new PlanningLoader();
  @TempDir Path dir;

  static final String GOOD = """
      regions:
        - {name: us-east-1, primary: true}
        - {name: eu-west-1}
      maxParallelRegions: 1
      target:
        type: lambda
        aws:
          account: "123456789012"
          artifactBucket: gantry-artifacts-{region}
          lambda: {functionName: hello-service, alias: live}
          route53: {hostedZoneId: Z1, recordName: api.example.com}
          healthyForSeconds: 60
          regions:
            us-east-1: {alarms: [a-use1], weight: 70, endpoint: use1.example.com}
            eu-west-1: {alarms: [a-euw1], weight: 30, endpoint: euw1.example.com, bucket: my-eu-bucket}
      """;

  @BeforeEach
  void spec() throws IOException {
    Files.writeString(dir.resolve("app.zip"), "payload");
    write("release.yaml", """
        application: hello-service
        version: 1.4.0
        requestedBy: dana
        artifact: {file: app.zip}
        promotion: [production]
        """);
  }

  @Test
  void theAwsExampleInTheRepositoryLoads() throws Exception {
    Path examples = ExampleKeys.copyWithKeys(Path.of("..", "examples"), dir.resolve("example")).getParent();
    ReleaseRequest request = loader.load(examples.resolve("aws/release.yaml"),
        new ReleaseSpecLoader.Overrides(null, "dana"));
    EnvironmentPlan production = request.environments().get(0);
    assertThat(production.target().type()).isEqualTo(DeployTarget.LAMBDA);
    assertThat(production.maxParallelRegions()).isEqualTo(2);
    AwsTarget aws = production.target().aws();
    assertThat(aws.bucketFor("ap-southeast-1")).isEqualTo("gantry-artifacts-ap-southeast-1");
    assertThat(aws.alarmsOf("us-east-1")).containsExactly("hello-5xx-us-east-1", "hello-p99-us-east-1");
    assertThat(production.healthCheck().timeoutSecondsOrDefault()).as("longer than healthyForSeconds")
        .isEqualTo(90);
  }

  @Test
  void aGoodLambdaConfigResolvesEveryRegion() throws IOException {
    write("environments/production/config.yaml", GOOD);

    EnvironmentPlan plan = loader.load(dir.resolve("release.yaml")).environments().get(0);

    AwsTarget aws = plan.target().aws();
    assertThat(plan.maxParallelRegions()).isEqualTo(1);
    assertThat(aws.account()).isEqualTo("123456789012");
    assertThat(aws.bucketFor("us-east-1")).isEqualTo("gantry-artifacts-us-east-1");
    assertThat(aws.bucketFor("eu-west-1")).isEqualTo("my-eu-bucket");
    assertThat(aws.region("eu-west-1").weightOrDefault()).isEqualTo(30);
    assertThat(aws.route53().routingOrDefault()).isEqualTo("weighted");
    assertThat(plan.healthCheck().command()).isNull();
    assertThat(plan.healthCheck().timeoutSecondsOrDefault()).isEqualTo(90);
    assertThat(loader.loadEnvironment(dir.resolve("release.yaml"), "production").target())
        .isEqualTo(plan.target());
  }

  @Test
  void anUnknownRegionIsNamedWithSuggestions() throws IOException {
    write("environments/production/config.yaml", GOOD.replace("eu-west-1", "eu-westt-1"));

    assertProblems("field 'regions[].name' is 'eu-westt-1', which is not an AWS region", "eu-west-1");
  }

  @Test
  void anUnknownFieldIsNamedWithTheKnownOnes() throws IOException {
    write("environments/production/config.yaml", GOOD.replace("healthyForSeconds", "healthyFor"));

    assertProblems("unknown field 'healthyFor'", "healthyForSeconds");
  }

  @Test
  void aMissingBucketIsNamed() throws IOException {
    write("environments/production/config.yaml", GOOD.replace("    artifactBucket: gantry-artifacts-{region}\n", ""));

    assertProblems("field 'target.aws.artifactBucket' is missing", "regions.us-east-1.bucket");
  }

  @Test
  void aMissingFunctionIsNamed() throws IOException {
    write("environments/production/config.yaml", GOOD.replace("functionName: hello-service, ", ""));

    assertProblems("field 'target.aws.lambda' needs functionName and alias");
  }

  @Test
  void anUnquotedOrShortAccountIsRefused() throws IOException {
    write("environments/production/config.yaml", GOOD.replace("\"123456789012\"", "\"1234\""));

    assertProblems("field 'target.aws.account' must be the 12-digit AWS account id");
  }

  @Test
  void route53NeedsAnEndpointPerRegionAndAKnownRouting() throws IOException {
    write("environments/production/config.yaml", GOOD.replace(", endpoint: euw1.example.com", "")
        .replace("recordName: api.example.com", "recordName: api.example.com, routing: geo"));

    assertProblems("'target.aws.regions.eu-west-1.endpoint' is missing",
        "field 'target.aws.route53.routing' is 'geo'; use weighted or failover");
  }

  @Test
  void regionSettingsForARegionOutsideTheListAreRefused() throws IOException {
    write("environments/production/config.yaml", GOOD.replace("      eu-west-1: {alarms",
        "      us-west-2: {endpoint: x.example.com}\n      eu-west-1: {alarms"));

    assertProblems("field 'target.aws.regions.us-west-2' names a region that is not in 'regions'");
  }

  @Test
  void weightsAndLimitsAreRangeChecked() throws IOException {
    write("environments/production/config.yaml", GOOD.replace("weight: 70", "weight: 300")
        .replace("maxParallelRegions: 1", "maxParallelRegions: 0"));

    assertProblems("'target.aws.regions.us-east-1.weight' is 300; allowed 0..255",
        "field 'maxParallelRegions' is 0; allowed 1..100");
  }

  @Test
  void aHealthTimeoutShorterThanTheHealthyWindowIsRefused() throws IOException {
    write("environments/production/config.yaml", GOOD + "healthCheck: {url: \"https://x.example.com/h\","
        + " timeoutSeconds: 30}\n");

    assertProblems("'healthCheck.timeoutSeconds' (30) must be longer than target.aws.healthyForSeconds (60)");
  }

  @Test
  void anEcsTargetNeedsItsServiceAndAnImage() throws IOException {
    write("environments/production/config.yaml", """
        regions: [{name: us-east-1}]
        target:
          type: ecs
          aws:
            account: "123456789012"
            ecs: {cluster: prod, service: hello-service}
        """);

    assertProblems("field 'target.aws.ecs' needs cluster, service and containerName");
  }

  @Test
  void anEcsTargetRefusesAFileArtifact() throws IOException {
    write("environments/production/config.yaml", """
        regions: [{name: us-east-1}]
        target:
          type: ecs
          aws:
            account: "123456789012"
            ecs: {cluster: prod, service: hello-service, containerName: app}
        """);

    assertThatThrownBy(() -> loader.load(dir.resolve("release.yaml")))
        .isInstanceOfSatisfying(SpecException.class, e -> assertThat(e.problems())
            .anyMatch(p -> p.contains("deploys to the ecs target, which runs images")));
  }

  @Test
  void anAwsTargetWithoutItsSectionSaysWhatToWrite() throws IOException {
    write("environments/production/config.yaml", """
        regions: [{name: us-east-1}]
        target: {type: lambda, root: targets}
        """);

    assertProblems("field 'target.aws' is missing", "field 'target.root' is for local targets");
  }

  private void assertProblems(String... expected) {
    assertThatThrownBy(() -> loader.load(dir.resolve("release.yaml")))
        .isInstanceOfSatisfying(SpecException.class, e -> {
          for (String problem : expected) {
            assertThat(e.problems()).anyMatch(p -> p.contains(problem) && p.contains("config.yaml"));
          }
        });
  }

  /** The configs here are about the target: they say they verify nothing, as a sandbox would. */
  private void write(String relative, String content) throws IOException {
    Path file = dir.resolve(relative);
    Files.createDirectories(file.getParent());
    boolean environment = relative.startsWith("environments/") && relative.endsWith("config.yaml");
    Files.writeString(file, environment ? content + "verification: {required: false}\n" : content);
  }

  @SuppressWarnings("unused")
  private static List<String> none() {
    return List.of();
  }
}
