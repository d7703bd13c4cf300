package dev.gantry.starter.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.ReleaseRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReleaseSpecLoaderTest {
  private final PlanningLoader loader = new PlanningLoader();
  @TempDir Path dir;

  @BeforeEach
  void writeValidSpec() throws IOException {
    Files.writeString(dir.resolve("app.bin"), "payload");
    write("release.yaml", """
        application: hello-service
        version: 1.4.0
        requestedBy: dana
        artifact:
          file: app.bin
        promotion: [dev, production]
        """);
    write("environments/dev/config.yaml", """
        regions: [{name: us-east-1}]
        target: {type: local, root: targets}
        healthCheck: {command: "true"}
        """);
    write("environments/production/config.yaml", """
        regions:
          - {name: us-east-1, primary: true}
          - {name: us-west-2}
          - {name: eu-west-1}
        target: {type: local, root: targets}
        healthCheck: {url: "http://127.0.0.1:8080/health", attempts: 5}
        approval: {required: true, approvers: [alice, bob], minApprovals: 2, signedApprovals: false}
        """);
  }

  @Test
  void theExampleInTheRepositoryLoads() throws Exception {
    ReleaseRequest request = loader.load(ExampleKeys.copyWithKeys(Path.of("..", "examples"), dir.resolve("example")));
    assertThat(request.releaseId()).isEqualTo("release/hello-service/1.4.0");
    assertThat(request.environments()).extracting(EnvironmentPlan::name)
        .containsExactly("dev", "staging", "production");
    EnvironmentPlan production = request.environments().get(2);
    assertThat(production.waves()).containsExactly(List.of("us-east-1"),
        List.of("us-west-2", "eu-west-1", "ap-southeast-1"));
    assertThat(production.approval().minApprovalsOrDefault()).isEqualTo(2);
  }

  @Test
  void resolvesPathsBindsTheDigestAndDefaultsTheWaves() {
    ReleaseRequest request = loader.load(dir.resolve("release.yaml"));
    assertThat(request.artifact().location()).isEqualTo(dir.resolve("app.bin").toString());
    // sha256("payload")
    assertThat(request.artifact().digest())
        .isEqualTo("sha256:239f59ed55e737c77147cf55ad0c1b030b6d7ee748a7426952f9b852d5a935e5");
    EnvironmentPlan production = request.environments().get(1);
    assertThat(production.target().root()).isEqualTo(dir.resolve("targets").toString());
    assertThat(production.primaryRegion()).isEqualTo("us-east-1");
    assertThat(production.waves()).containsExactly(List.of("us-east-1"), List.of("us-west-2", "eu-west-1"));
    assertThat(request.environments().get(0).needsApproval()).isFalse();
  }

  @Test
  void theRequesterFlagWinsOverTheFileButNothingElseCanBeOverridden() {
    ReleaseRequest request = loader.load(dir.resolve("release.yaml"), new ReleaseSpecLoader.Overrides("erin", null));
    assertThat(request.requestedBy()).isEqualTo("erin");
    assertThat(request.environments()).allSatisfy(env ->
        assertThat(env.target().root()).isEqualTo(dir.resolve("targets").toString()));
  }

  @Test
  void everyProblemIsReportedWithItsFieldAndFix() throws IOException {
    write("release.yaml", """
        application: Hello World
        version: "1.4/0"
        artifact: {file: missing.bin}
        promotion: [dev, dev, qa]
        """);
    assertThat(problems()).anySatisfy(p -> assertThat(p).contains("'application'").contains("hello-service"))
        .anySatisfy(p -> assertThat(p).contains("'version'"))
        .anySatisfy(p -> assertThat(p).contains("'requestedBy'").contains("--requested-by"))
        .anySatisfy(p -> assertThat(p).contains("'artifact.file'").contains("does not exist"))
        .anySatisfy(p -> assertThat(p).contains("lists dev twice"))
        .anySatisfy(p -> assertThat(p).contains("'qa' has no config").contains("environments/qa/config.yaml"));
  }

  @Test
  void typosAreUnknownFieldsNotSilentlyIgnored() throws IOException {
    write("environments/dev/config.yaml", """
        regoins: [{name: us-east-1}]
        target: {type: local, root: targets}
        healthCheck: {command: "true"}
        """);
    assertThat(problems()).singleElement().asString()
        .contains("config.yaml:1").contains("unknown field 'regoins'").contains("regions");
  }

  @Test
  void brokenYamlNamesTheLine() throws IOException {
    write("release.yaml", "application: hello\nversion: '1.0\n");
    assertThat(problems()).singleElement().asString().contains("release.yaml").contains("not valid YAML");
  }

  @Test
  void wrongTypesNameTheField() throws IOException {
    write("environments/production/config.yaml", """
        regions: [{name: us-east-1, primary: true}]
        target: {type: local, root: targets}
        healthCheck: {command: "true", attempts: many}
        """);
    assertThat(problems()).singleElement().asString()
        .contains("'healthCheck.attempts'").contains("wrong type");
  }

  @Test
  void regionsWavesTargetHealthAndApprovalAreChecked() throws IOException {
    write("environments/production/config.yaml", """
        regions:
          - {name: us-east-1, primary: true}
          - {name: us-west-2, primary: true}
          - {name: us-east-1}
        waves: [[us-west-2], [eu-central-1]]
        target: {type: nomad}
        healthCheck: {command: "true", url: "http://x"}
        approval: {required: true, approvers: [], minApprovals: 3}
        """);
    assertThat(problems())
        .anySatisfy(p -> assertThat(p).contains("us-east-1 is listed twice"))
        .anySatisfy(p -> assertThat(p).contains("exactly one region must have `primary: true`"))
        .anySatisfy(p -> assertThat(p).contains("'target.type' is 'nomad'").contains("supported: local"))
        .anySatisfy(p -> assertThat(p).contains("exactly one of 'command'"))
        .anySatisfy(p -> assertThat(p).contains("field 'approval' must say who may approve"));
  }

  @Test
  void wavesMustCoverEveryRegionOnceAndStartWithThePrimary() throws IOException {
    write("environments/production/config.yaml", """
        regions:
          - {name: us-east-1, primary: true}
          - {name: us-west-2}
          - {name: eu-west-1}
        waves: [[us-west-2], [us-west-2, ap-south-1]]
        target: {type: local, root: targets}
        healthCheck: {command: "true"}
        """);
    assertThat(problems())
        .anySatisfy(p -> assertThat(p).contains("names 'ap-south-1', which is not in 'regions'"))
        .anySatisfy(p -> assertThat(p).contains("places us-west-2 in more than one wave"))
        .anySatisfy(p -> assertThat(p).contains("leaves out us-east-1, eu-west-1"))
        .anySatisfy(p -> assertThat(p).contains("first wave must contain the primary region us-east-1"));
  }

  @Test
  void imagesMustBePinnedByDigestAndDeclaredDigestsMustMatch() throws IOException {
    write("release.yaml", """
        application: hello-service
        version: 1.4.0
        requestedBy: dana
        artifact: {image: "registry.example.com/hello:1.4.0"}
        promotion: [dev]
        """);
    assertThat(problems()).singleElement().asString().contains("must name a digest, not a tag");

    write("release.yaml", """
        application: hello-service
        version: 1.4.0
        requestedBy: dana
        artifact:
          file: app.bin
          digest: sha256:0000000000000000000000000000000000000000000000000000000000000000
        promotion: [dev]
        """);
    assertThat(problems()).singleElement().asString().contains("'artifact.digest' says sha256:0000");
  }

  @Test
  void anImagePinnedByDigestIsReadButTheLocalTargetRefusesIt() throws IOException {
    String digest = "sha256:" + "ab".repeat(32);
    write("release.yaml", """
        application: hello-service
        version: 1.4.0
        requestedBy: dana
        artifact: {image: "registry.example.com/team/hello@%s"}
        promotion: [dev]
        """.formatted(digest));
    // the digest form passed (no "must name a digest" problem); the only problem is where it would go
    assertThat(problems()).singleElement().asString()
        .contains("dev deploys to the local target, which deploys files");
  }

  @Test
  void variablesAreCarriedThrough() throws IOException {
    write("environments/dev/config.yaml", """
        regions: [{name: us-east-1}]
        target: {type: local, root: targets}
        healthCheck: {command: "true"}
        variables: {LOG_LEVEL: debug}
        """);
    assertThat(loader.load(dir.resolve("release.yaml")).environments().get(0).variables())
        .isEqualTo(Map.of("LOG_LEVEL", "debug"));
  }

  @Test
  void approvalGroupsNeedTheApproversDirectoryAndEscalationMustComeBeforeTheTimeout() throws IOException {
    write("environments/production/config.yaml", """
        regions: [{name: us-east-1, primary: true}]
        target: {type: local, root: targets}
        healthCheck: {command: "true"}
        approval:
          required: true
          groups: [release-managers]
          minApprovals: 2
          timeoutHours: 24
          escalateAfterHours: 24
        """);
    assertThat(problems()).singleElement().asString()
        .contains("'approval.escalateAfterHours' (24) must be less than");
    write("environments/production/config.yaml", """
        regions: [{name: us-east-1, primary: true}]
        target: {type: local, root: targets}
        healthCheck: {command: "true"}
        approval: {required: true, groups: [release-managers], minApprovals: 2}
        """);
    assertThat(problems()).singleElement().asString().contains("need field 'approvers' in policy.yaml");
  }

  @Test
  void emptyListItemsAreNamedProblemsNotCrashes() throws IOException {
    write("environments/production/config.yaml", """
        regions: [{name: us-east-1, primary: true}, {name: us-west-2}]
        waves:
          -
        target: {type: local, root: targets}
        healthCheck: {command: "true"}
        """);
    assertThat(problems()).anySatisfy(p -> assertThat(p).contains("field 'waves[0]' is empty"));

    write("environments/production/config.yaml", """
        regions: [{name: us-east-1, primary: true}, {name: us-west-2}]
        waves: [[us-east-1, ~], [us-west-2]]
        target: {type: local, root: targets}
        healthCheck: {command: "true"}
        """);
    assertThat(problems()).anySatisfy(p -> assertThat(p).contains("field 'waves[0][1]' is empty"));

    write("environments/production/config.yaml", """
        regions: [{name: us-east-1, primary: true}]
        target: {type: local, root: targets}
        healthCheck: {command: "true"}
        window:
          timeZone: Europe/Berlin
          allowed:
            -
        """);
    assertThat(problems()).anySatisfy(p -> assertThat(p).contains("field 'window.allowed[0]' is empty"));
  }

  @Test
  void signingAndVerificationAreResolvedAndEveryEnvironmentMustSayHowItVerifies() throws IOException {
    Files.writeString(dir.resolve("trusted-keys.yaml"), "keys: []\n");
    Files.writeString(dir.resolve("sbom.spdx.json"), "{\"spdxVersion\": \"SPDX-2.3\"}");
    write("release.yaml", """
        application: hello-service
        version: 1.4.0
        requestedBy: dana
        artifact: {file: app.bin}
        promotion: [dev, production]
        signing:
          key: awskms:///alias/gantry-release
          sbom: sbom.spdx.json
          source: {repository: "https://github.com/example/hello-service", commit: abc123}
        """);
    write("environments/production/config.yaml", """
        regions: [{name: us-east-1}]
        target: {type: local, root: targets}
        healthCheck: {command: "true"}
        verification: {trustedKeys: trusted-keys.yaml, require: [slsa-provenance, sbom], maxSignatureAgeHours: 720}
        """);

    ReleaseRequest request = loader.load(dir.resolve("release.yaml"));

    assertThat(request.signing().key()).isEqualTo("awskms:///alias/gantry-release");
    assertThat(request.signing().sbom()).isEqualTo(dir.resolve("sbom.spdx.json").toString());
    assertThat(request.signing().sourceCommit()).isEqualTo("abc123");
    var production = request.environment("production").orElseThrow().verification();
    assertThat(production.required()).isTrue();
    assertThat(production.trustedKeys()).isEqualTo(dir.resolve("trusted-keys.yaml").toString());
    assertThat(production.requiredPredicateTypes())
        .containsExactly("https://slsa.dev/provenance/v1", "https://spdx.dev/Document");
    assertThat(request.environment("dev").orElseThrow().verification().required()).isFalse();
  }

  @Test
  void signingMistakesAreNamedWithTheirFix() throws IOException {
    write("release.yaml", """
        application: hello-service
        version: 1.4.0
        requestedBy: dana
        artifact: {file: app.bin}
        promotion: [dev, production]
        signing: {key: keys/missing.key, passwordEnv: "hunter2!"}
        """);
    Path production = dir.resolve("environments/production/config.yaml");
    Files.createDirectories(production.getParent());
    Files.writeString(production, """
        regions: [{name: us-east-1}]
        target: {type: local, root: targets}
        healthCheck: {command: "true"}
        """);
    Files.writeString(dir.resolve("environments/dev/config.yaml"), """
        regions: [{name: us-east-1}]
        target: {type: local, root: targets}
        healthCheck: {command: "true"}
        verification: {required: false, trustedKeys: t.yaml, require: [provenance]}
        """);

    assertThat(problems())
        .anySatisfy(p -> assertThat(p).contains("field 'signing.key'").contains("missing.key does not exist"))
        .anySatisfy(p -> assertThat(p).contains("field 'signing.passwordEnv' must be the NAME"))
        .anySatisfy(p -> assertThat(p).contains("production/config.yaml: field 'verification' is missing")
            .contains("required: false"))
        .anySatisfy(p -> assertThat(p).contains("dev/config.yaml: field 'verification.required' is false but"));
  }

  @Test
  void aRequiredApprovalIsSignedUnlessPolicySaysOtherwiseAndTokenLifetimesAreBounded() throws IOException {
    // finding: --as alice and --as carol made a whole quorum: a typed name is not an identity by default
    write("environments/production/config.yaml", """
        regions: [{name: us-east-1, primary: true}]
        target: {type: local, root: targets}
        healthCheck: {command: "true"}
        approval: {required: true, approvers: [alice, bob], minApprovals: 2}
        """);
    assertThat(problems()).anySatisfy(p -> assertThat(p)
        .contains("names approval groups or signed approvals, which need field 'approvers'"));

    write("environments/production/config.yaml", """
        regions: [{name: us-east-1, primary: true}]
        target: {type: local, root: targets}
        healthCheck: {command: "true"}
        approval: {required: true, approvers: [alice, bob], minApprovals: 2, maxTokenLifetime: P3650D}
        """);
    assertThat(problems()).anySatisfy(p -> assertThat(p)
        .contains("field 'approval.maxTokenLifetime' is PT87600H; allowed PT1M..PT1H"));

    write("environments/production/config.yaml", """
        regions: [{name: us-east-1, primary: true}]
        target: {type: local, root: targets}
        healthCheck: {command: "true"}
        approval: {required: true, approvers: [alice, bob], minApprovals: 2, signedApprovals: false,
                   maxTokenLifetime: PT15M}
        """);
    var approval = loader.load(dir.resolve("release.yaml")).environments().get(1).approval();
    assertThat(approval.signed()).as("an explicit opt-out of the platform team").isFalse();
    assertThat(approval.maxTokenLifetimeSeconds()).isEqualTo(900);

    write("environments/dev/config.yaml", """
        regions: [{name: us-east-1}]
        target: {type: local, root: targets}
        healthCheck: {command: "true"}
        approval: {signedActions: true}
        """);
    assertThat(problems()).anySatisfy(p -> assertThat(p).contains("dev/config.yaml: signed actions need field"
        + " 'approvers'"));
  }

  @Test
  void theApproversDirectoryIsResolvedNextToTheSpec() throws IOException {
    write("approvers.yaml", "people:\n  alice: {groups: [release-managers]}\n");
    write("release.yaml", """
        application: hello-service
        version: 1.4.0
        requestedBy: dana
        artifact: {file: app.bin}
        promotion: [production]
        approversDirectory: approvers.yaml
        """);
    write("environments/production/config.yaml", """
        regions: [{name: us-east-1, primary: true}]
        target: {type: local, root: targets}
        healthCheck: {command: "true"}
        approval: {required: true, groups: [release-managers], minApprovals: 2, expiresAfterHours: 12,
                   signedApprovals: true}
        """);
    ReleaseRequest request = loader.load(dir.resolve("release.yaml"));
    assertThat(request.approversDirectory()).isEqualTo(dir.resolve("approvers.yaml").toString());
    var approval = request.environments().get(0).approval();
    assertThat(approval.groupsOrEmpty()).containsExactly("release-managers");
    assertThat(approval.minApprovalsOrDefault()).isEqualTo(2);
    assertThat(approval.expiresAfterHours()).isEqualTo(12);
    assertThat(approval.signed()).isTrue();
  }

  private List<String> problems() {
    try {
      loader.load(dir.resolve("release.yaml"));
    } catch (SpecException e) {
      return e.problems();
    }
    throw new AssertionError("the spec was accepted");
  }

  /**
   * Environment configs written here are about other sections: unless a test writes its own
   * {@code verification:}, they say they verify nothing, as a sandbox would.
   */
  private void write(String relative, String content) throws IOException {
    Path file = dir.resolve(relative);
    Files.createDirectories(file.getParent());
    boolean environment = relative.startsWith("environments/") && relative.endsWith("config.yaml");
    Files.writeString(file, environment && !content.contains("verification")
        ? content + "verification: {required: false}\n" : content);
  }
}
