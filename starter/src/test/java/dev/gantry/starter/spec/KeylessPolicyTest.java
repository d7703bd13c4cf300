package dev.gantry.starter.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.workflows.api.artifact.ArtifactRef;
import dev.gantry.workflows.api.policy.ReleaseRequirements;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.signing.KeylessIdentity;
import dev.gantry.workflows.api.signing.KeylessPolicy;
import dev.gantry.workflows.api.signing.VerificationPolicy;
import io.temporal.common.converter.DefaultDataConverter;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code signing.keyless} in policy.yaml: which keyless signers the gate trusts, checked when policy loads. */
class KeylessPolicyTest {
  static final String GITHUB = "https://token.actions.githubusercontent.com";
  static final String WORKFLOW = "https://github.com/acme/shop/.github/workflows/release.yml@refs/heads/main";
  @TempDir Path dir;
  private Path policyDir;
  private Path artifact;

  @BeforeEach
  void writePolicy() throws IOException, URISyntaxException {
    policyDir = dir.resolve("policy");
    Files.createDirectories(policyDir.resolve("sigstore"));
    Files.copy(Path.of(getClass().getResource("/sigstore-conformance/trusted_root.public-good.json").toURI()),
        policyDir.resolve("sigstore/trusted_root.json"));
    write("policy.yaml", """
        roots:
          artifacts: [../artifacts]
          targets: [../targets]
        signing:
          keyless:
            trustedRoot: sigstore/trusted_root.json
            identities:
              - {identity: "%s", issuer: "%s"}
              - {identityRegexp: 'https://github\\.com/acme/[a-z]+/\\.github/workflows/release\\.yml@refs/tags/v.*', issuer: "%s"}
        applications:
          shop:
            promotion: [dev, production]
          lab:
            promotion: [lab]
        """.formatted(WORKFLOW, GITHUB, GITHUB));
    write("environments/dev/config.yaml", """
        regions: [{name: us-east-1}]
        target: {type: local, root: ../targets/shop}
        healthCheck: {command: "true"}
        verification: {}
        """);
    write("environments/lab/config.yaml", """
        regions: [{name: us-east-1}]
        target: {type: local, root: ../targets/lab}
        healthCheck: {command: "true"}
        verification: {required: false}
        """);
    write("environments/production/config.yaml", """
        regions: [{name: us-east-1}]
        target: {type: local, root: ../targets/shop}
        healthCheck: {command: "true"}
        verification: {require: [slsa-provenance]}
        """);
    Files.createDirectories(dir.resolve("artifacts"));
    artifact = Files.writeString(dir.resolve("artifacts/shop.tar"), "the build");
  }

  @Test
  void everyVerifyingEnvironmentTrustsThePolicysKeylessSignersAndNeedsNoTrustedKeysFile() throws IOException {
    Policy policy = new PolicyDirectory().load(policyDir);

    assertThat(policy.signing()).as("keyless only: the worker signs nothing").isNull();
    EnvironmentPlan production = policy.applications().get("shop").environments().get("production");
    KeylessPolicy keyless = production.verification().keyless();
    assertThat(production.verification().trustedKeys()).isNull();
    assertThat(keyless.trustedRoot()).isEqualTo(policyDir.toRealPath().resolve("sigstore/trusted_root.json").toString());
    assertThat(keyless.identities()).containsExactly(new KeylessIdentity(WORKFLOW, null, GITHUB, null),
        new KeylessIdentity(null, "https://github\\.com/acme/[a-z]+/\\.github/workflows/release\\.yml@refs/tags/v.*",
            GITHUB, null));
    assertThat(policy.applications().get("lab").environments().get("lab").verification().keyless())
        .as("an environment that verifies nothing trusts nothing").isNull();

    // a requirement that tightens the plan keeps the keyless trust, and the plan survives Temporal's converter
    ReleaseRequest plan = new PlanResolver().resolve(policy, ReleaseRequest.request("shop", "1.0.0",
        ArtifactRef.file(artifact.toString(), ReleaseSpecLoader.sha256(artifact)), "dana", null, "test",
        new ReleaseRequirements(null, List.of("sbom"), null), null));
    VerificationPolicy planned = plan.environments().get(1).verification();
    assertThat(planned.requiredPredicateTypes()).contains(VerificationPolicy.SPDX_SBOM);
    assertThat(planned.keyless()).isEqualTo(keyless);
    var converter = DefaultDataConverter.newDefaultInstance();
    ReleaseRequest replayed = converter.fromPayload(converter.toPayload(plan).orElseThrow(), ReleaseRequest.class,
        ReleaseRequest.class);
    assertThat(replayed.environments().get(1).verification()).isEqualTo(planned);
  }

  @Test
  void anIncompleteKeylessSectionOrAnUnusableTrustedRootStopsThePolicyFromLoading() throws IOException {
    String root = Files.readString(policyDir.resolve("sigstore/trusted_root.json"));
    // a log whose validity has no start would be trusted "always" by sigstore-java
    write("sigstore/trusted_root.json", root.replaceFirst("\"start\"", "\"begin\""));
    write("policy.yaml", """
        roots: {artifacts: [../artifacts], targets: [../targets]}
        signing:
          keyless:
            trustedRoot: sigstore/trusted_root.json
            identities:
              - {identity: "%s", identityRegexp: ".*", issuer: "%s"}
              - {identity: "%s"}
              - {identityRegexp: "(", issuer: "%s"}
        applications:
          shop: {promotion: [dev, production]}
        """.formatted(WORKFLOW, GITHUB, WORKFLOW, GITHUB));

    assertThatThrownBy(() -> new PolicyDirectory().load(policyDir))
        .isInstanceOfSatisfying(SpecException.class, e -> assertThat(e.problems())
            .anySatisfy(p -> assertThat(p).contains("signing.keyless.trustedRoot").contains("validFor.start is missing"))
            .anySatisfy(p -> assertThat(p).contains("identities[0]").contains("exactly one of 'identity' and 'identityRegexp'"))
            .anySatisfy(p -> assertThat(p).contains("identities[1]").contains("exactly one of 'issuer' and 'issuerRegexp'"))
            .anySatisfy(p -> assertThat(p).contains("identities[2]").contains("does not compile")));
  }

  @Test
  void withoutKeylessTrustAnEnvironmentStillNeedsItsTrustedKeys() throws IOException {
    write("policy.yaml", """
        roots: {artifacts: [../artifacts], targets: [../targets]}
        applications:
          shop: {promotion: [dev, production]}
        """);

    assertThatThrownBy(() -> new PolicyDirectory().load(policyDir))
        .isInstanceOfSatisfying(SpecException.class, e -> assertThat(e.problems())
            .anySatisfy(p -> assertThat(p).contains("field 'verification.trustedKeys' is missing")));
  }

  private void write(String relative, String text) throws IOException {
    Path file = policyDir.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }
}
