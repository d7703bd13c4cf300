package dev.gantry.starter.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.workflows.api.approval.ApprovalPolicy;
import dev.gantry.workflows.api.artifact.ArtifactRef;
import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.deploy.HealthCheck;
import dev.gantry.workflows.api.environment.PromotionSource;
import dev.gantry.workflows.api.policy.ReleaseRequirements;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.signing.SigningPolicy;
import dev.gantry.workflows.api.signing.VerificationPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trust boundary in one place: what a requester can and cannot make the worker do. Every attack of the
 * trust-boundary issue that a request can carry has a test here; the same attacks against a running worker
 * are in the worker's AdversarialReleaseTest.
 */
class PlanResolverTest {
  @TempDir Path dir;
  private Path policyDir;
  private Path artifact;
  private String digest;
  private Policy policy;
  private final PlanResolver resolver = new PlanResolver();

  @BeforeEach
  void writePolicy() throws IOException {
    policyDir = dir.resolve("policy");
    write("policy.yaml", """
        roots:
          artifacts: [../artifacts]
          targets: [../targets]
          images: [registry.example.com/team/]
        approvers: approvers.yaml
        applications:
          shop:
            owners: [dana]
            promotion: [dev, staging, production]
        """);
    write("approvers.yaml", "people:\n  alice: {groups: [release-managers]}\n");
    write("environments/dev/config.yaml", """
        regions: [{name: us-east-1}]
        target: {type: local, root: ../targets/shop}
        healthCheck: {command: "true"}
        verification: {required: false}
        """);
    write("environments/staging/config.yaml", """
        regions: [{name: us-east-1}]
        target: {type: local, root: ../targets/shop}
        healthCheck: {command: "true"}
        verification: {required: false}
        """);
    write("environments/production/config.yaml", """
        regions: [{name: us-east-1, primary: true}, {name: eu-west-1}]
        target: {type: local, root: ../targets/shop}
        healthCheck: {command: "./check.sh"}
        approval: {required: true, groups: [release-managers], minApprovals: 2, signedApprovals: false}
        rollout: {strategy: canary, steps: [10, 100], bakeSeconds: 60}
        verification: {required: false}
        """);
    Files.createDirectories(dir.resolve("artifacts"));
    artifact = Files.writeString(dir.resolve("artifacts/shop.tar"), "the build");
    digest = ReleaseSpecLoader.sha256(artifact);
    policy = new PolicyDirectory().load(policyDir);
  }

  @Test
  void aShortRequestGetsThePlanPolicyDefinesAndThePolicyStamp() {
    ReleaseRequest plan = resolver.resolve(policy, request(null, null));

    assertThat(plan.environments()).extracting(EnvironmentPlan::name).containsExactly("dev", "staging", "production");
    EnvironmentPlan production = plan.environments().get(2);
    assertThat(production.approval().minApprovalsOrDefault()).isEqualTo(2);
    assertThat(production.healthCheck().command()).isEqualTo("./check.sh");
    assertThat(production.target().root()).isEqualTo(dir.resolve("targets/shop").toString());
    assertThat(plan.approversDirectory()).isEqualTo(policyDir.resolve("approvers.yaml").toString());
    assertThat(plan.policy().digest()).matches("sha256:[0-9a-f]{64}");
    assertThat(plan.policy().path()).isEqualTo(policyDir.toString());
    assertThat(plan.releaseId()).isEqualTo("release/shop/1.0.0");
  }

  @Test
  void theDigestChangesWithAnyPolicyFile() throws IOException {
    String before = policy.stamp().digest();
    write("environments/production/config.yaml", Files.readString(policyDir.resolve("environments/production/config.yaml"))
        .replace("minApprovals: 2", "minApprovals: 3"));
    assertThat(new PolicyDirectory().load(policyDir).stamp().digest()).isNotEqualTo(before);
  }

  @Test
  void aRequestCarryingAnyPartOfThePlanIsRefusedNamingTheField() {
    EnvironmentPlan noGates = EnvironmentPlan.builder()
        .name("production")
        .primaryRegion("us-east-1")
        .waves(List.of(List.of("us-east-1")))
        .target(new DeployTarget(DeployTarget.LOCAL, "/tmp/anywhere"))
        .healthCheck(new HealthCheck("cat /etc/shadow", null, 5, 1, 1))
        .approval(ApprovalPolicy.none())
        .variables(Map.of())
        .verification(VerificationPolicy.notRequired())
        .build();
    ReleaseRequest crafted = new ReleaseRequest("shop", "1.0.0", ArtifactRef.file(artifact.toString(), digest),
        List.of(noGates), "dana", "crafted", "/etc/shadow", new SigningPolicy("/tmp/my.key", null, null, null, null),
        new PromotionSource(noGates));

    assertThatThrownBy(() -> resolver.resolve(policy, crafted))
        .isInstanceOfSatisfying(PolicyRefusal.class, refusal -> assertThat(refusal.reasons())
            .anySatisfy(r -> assertThat(r).contains("field 'environments' is not accepted")
                .contains(policyDir.resolve("environments").toString()))
            .anySatisfy(r -> assertThat(r).contains("field 'approversDirectory' is not accepted"))
            .anySatisfy(r -> assertThat(r).contains("field 'signing' is not accepted"))
            .anySatisfy(r -> assertThat(r).contains("field 'promotion' is not accepted"))
            .noneSatisfy(r -> assertThat(r).contains("shadow")));
  }

  @Test
  void anEmptyPathOrNoArtifactOrNothingAtAllIsRefused() {
    assertThatThrownBy(() -> resolver.resolve(policy, request(List.of(), null)))
        .hasMessageContaining("field 'promotionPath' is empty");
    assertThatThrownBy(() -> resolver.resolve(policy, ReleaseRequest.request("shop", "1.0.0", null, "dana", null,
        null, null, null))).hasMessageContaining("field 'artifact' is missing");
    assertThatThrownBy(() -> resolver.resolve(policy, null)).hasMessageContaining("the release request is empty");
  }

  @Test
  void aPathThatSkipsAnEnvironmentOrReordersThemIsRefused() {
    assertThatThrownBy(() -> resolver.resolve(policy, request(List.of("dev", "production"), null)))
        .hasMessageContaining("field 'promotionPath' [dev, production] is not a start of")
        .hasMessageContaining("policy.yaml");
    assertThatThrownBy(() -> resolver.resolve(policy, request(List.of("production"), null)))
        .hasMessageContaining("skips none");
    assertThat(resolver.resolve(policy, request(List.of("dev", "staging"), null)).environments())
        .extracting(EnvironmentPlan::name).containsExactly("dev", "staging");
  }

  @Test
  void aPromotionMovesOneStepForwardOnly() {
    ReleaseRequest skip = ReleaseRequest.promotionRequest("shop", "1.0.0", ArtifactRef.file(artifact.toString(), digest),
        "dana", "dev", "production", "test", null);
    assertThatThrownBy(() -> resolver.resolve(policy, skip)).hasMessageContaining("one step forward");
    ReleaseRequest step = ReleaseRequest.promotionRequest("shop", "1.0.0", ArtifactRef.file(artifact.toString(), digest),
        "dana", "staging", "production", "test", null);
    ReleaseRequest plan = resolver.resolve(policy, step);
    assertThat(plan.promotion().environment().name()).isEqualTo("staging");
    assertThat(plan.releaseId()).isEqualTo("promotion/shop/1.0.0/production");
  }

  @Test
  void requirementsOnlyTighten() {
    ReleaseRequest plan = resolver.resolve(policy, request(null, new ReleaseRequirements(3, null, 600)));
    EnvironmentPlan production = plan.environments().get(2);
    assertThat(production.approval().minApprovalsOrDefault()).isEqualTo(3);
    assertThat(production.rollout().bakeSecondsOrDefault()).isEqualTo(600);

    assertThatThrownBy(() -> resolver.resolve(policy, request(null, new ReleaseRequirements(1, null, null))))
        .hasMessageContaining("'requirements.minApprovals' (1) is below the 2 that policy requires in production")
        .hasMessageContaining("only make policy stricter");
    assertThatThrownBy(() -> resolver.resolve(policy, request(null, new ReleaseRequirements(0, null, null))))
        .hasMessageContaining("allowed 1..");
    assertThatThrownBy(() -> resolver.resolve(policy, request(null, new ReleaseRequirements(null, null, -5))))
        .hasMessageContaining("'requirements.minBakeSeconds'");
  }

  @Test
  void aRequestTokenIsCarriedIntoThePlanButNeverAMegabyteOfIt() {
    ReleaseRequest signed = request(null, null).withRequestToken("eyJhbGciOiJFUzI1NiJ9.e30.c2ln");
    assertThat(resolver.resolve(policy, signed).requestToken()).isEqualTo("eyJhbGciOiJFUzI1NiJ9.e30.c2ln");
    assertThatThrownBy(() -> resolver.resolve(policy, request(null, null).withRequestToken("x".repeat(1_000_000))))
        .hasMessageContaining("field 'requestToken' must be a compact JWS of at most 4096")
        .hasMessageNotContaining("xxxxxxxxxx");
  }

  @Test
  void attestationsCanBeAddedOnlyWhereSignaturesAreVerified() {
    assertThatThrownBy(() -> resolver.resolve(policy, request(null, new ReleaseRequirements(null, List.of("sbom"), null))))
        .hasMessageContaining("verifies no signatures");
  }

  @Test
  void anArtifactOutsideTheArtifactRootsIsRefusedWithoutSayingAnythingAboutTheFile() throws IOException {
    Path secret = Files.writeString(dir.resolve("secret.txt"), "root:$6$hash:19000:0:99999:7:::");
    String secretDigest = ReleaseSpecLoader.sha256(secret);
    for (String location : List.of(secret.toString(), dir.resolve("artifacts/../secret.txt").toString(),
        "/etc/shadow", "/etc/passwd", "relative/path")) {
      ReleaseRequest request = ReleaseRequest.request("shop", "1.0.0", ArtifactRef.file(location, digest), "dana",
          null, null, null, null);
      assertThatThrownBy(() -> resolver.resolve(policy, request)).as(location)
          .hasMessageContaining("artifact.location")
          .hasMessageNotContaining(secretDigest).hasMessageNotContaining("root:").hasMessageNotContaining(digest);
    }
  }

  @Test
  void aSymlinkInsideTheRootsThatPointsOutsideIsRefused() throws IOException {
    Path secret = Files.writeString(dir.resolve("secret.txt"), "top secret");
    Path link = Files.createSymbolicLink(dir.resolve("artifacts/innocent.tar"), secret);
    ReleaseRequest request = ReleaseRequest.request("shop", "1.0.0",
        ArtifactRef.file(link.toString(), ReleaseSpecLoader.sha256(secret)), "dana", null, null, null, null);
    assertThatThrownBy(() -> resolver.resolve(policy, request)).hasMessageContaining("roots.artifacts");
  }

  @Test
  void aWrongDigestIsRefusedWithoutRevealingTheRealOne() {
    String wrong = "sha256:" + "a".repeat(64);
    ReleaseRequest request = ReleaseRequest.request("shop", "1.0.0", ArtifactRef.file(artifact.toString(), wrong),
        "dana", null, null, null, null);
    assertThatThrownBy(() -> resolver.resolve(policy, request))
        .hasMessageContaining("field 'artifact.digest' does not match")
        .hasMessageNotContaining(digest);
  }

  @Test
  void traversalAndHostileNamesAreRefusedBeforeAnyPathIsBuilt() {
    for (String version : List.of("../../x", "1.0/../../etc", "..", "1.0\n2", "x".repeat(300))) {
      assertThatThrownBy(() -> resolver.resolve(policy, ReleaseRequest.request("shop", version,
          ArtifactRef.file(artifact.toString(), digest), "dana", null, null, null, null))).as(version)
          .hasMessageContaining("field 'version'");
    }
    assertThatThrownBy(() -> resolver.resolve(policy, request(List.of("../production"), null)))
        .hasMessageContaining("field 'promotionPath' has '../production'");
    assertThatThrownBy(() -> resolver.resolve(policy, ReleaseRequest.request("../shop", "1.0.0",
        ArtifactRef.file(artifact.toString(), digest), "dana", null, null, null, null)))
        .hasMessageContaining("field 'application'");
    assertThatThrownBy(() -> resolver.resolve(policy, ReleaseRequest.request("shop", "1.0.0",
        ArtifactRef.file(artifact.toString(), digest), "dana\u001b[2J", null, null, null, null)))
        .hasMessageContaining("field 'requestedBy'").hasMessageNotContaining("\u001b");
  }

  @Test
  void anApplicationPolicyDoesNotKnowIsRefused() {
    assertThatThrownBy(() -> resolver.resolve(policy, ReleaseRequest.request("billing", "1.0.0",
        ArtifactRef.file(artifact.toString(), digest), "dana", null, null, null, null)))
        .hasMessageContaining("billing is not in the platform policy");
  }

  @Test
  void imagesComeOnlyFromRepositoriesPolicyAllows() {
    String imageDigest = "sha256:" + "b".repeat(64);
    assertThatThrownBy(() -> resolver.resolve(policy, ReleaseRequest.request("shop", "1.0.0",
        new ArtifactRef(ArtifactRef.IMAGE, "evil.example.com/x", imageDigest), "dana", null, null, null, null)))
        .hasMessageContaining("roots.images");
  }

  @Test
  void aPolicyWhoseTargetEscapesItsRootsDoesNotLoad() throws IOException {
    write("environments/dev/config.yaml", """
        regions: [{name: us-east-1}]
        target: {type: local, root: /etc}
        healthCheck: {command: "true"}
        verification: {required: false}
        """);
    assertThatThrownBy(() -> new PolicyDirectory().load(policyDir)).isInstanceOf(SpecException.class)
        .hasMessageContaining("environments/dev/config.yaml: field 'target.root' (/etc) is outside every folder of"
            + " 'roots.targets'");
  }

  @Test
  void aMissingOrBrokenPolicyNamesTheFileAndField() throws IOException {
    assertThatThrownBy(() -> new PolicyDirectory().load(dir.resolve("nowhere")))
        .hasMessageContaining("policy.yaml does not exist");
    write("policy.yaml", "roots: {artifacts: [../artifacts]}\napplications:\n  shop: {promotion: []}\n");
    assertThatThrownBy(() -> new PolicyDirectory().load(policyDir))
        .hasMessageContaining("applications.shop: field 'promotion' is missing");
  }

  @Test
  void verificationStaysAsPolicySaysWhenTheRequestIsSilent() {
    VerificationPolicy verification = resolver.resolve(policy, request(null, null)).environments().get(2).verification();
    assertThat(verification.required()).isFalse();
  }

  private ReleaseRequest request(List<String> path, ReleaseRequirements requirements) {
    return ReleaseRequest.request("shop", "1.0.0", ArtifactRef.file(artifact.toString(), digest), "dana", path,
        "test", requirements, null);
  }

  private void write(String relative, String text) throws IOException {
    Path file = policyDir.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }
}
