package dev.gantry.starter.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.workflows.api.environment.EnvironmentConfig;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.ReleaseRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The environment's own sections of config.yaml: applyConfig, secrets, lifecycle; and promotions. */
class ReleaseSpecLoaderEnvironmentTest {
  private final PlanningLoader loader = new PlanningLoader();
  @TempDir Path dir;

  static final String LOCAL = """
      regions: [{name: us-east-1, primary: true}, {name: eu-west-1}]
      target: {type: local, root: targets}
      healthCheck: {command: "true"}
      variables: {LOG_LEVEL: warn}
      verification: {required: false}
      """;

  @BeforeEach
  void spec() throws IOException {
    Files.writeString(dir.resolve("app.bin"), "payload");
    write("release.yaml", """
        application: hello-service
        version: 1.4.0
        requestedBy: dana
        artifact: {file: app.bin}
        promotion: [staging, production]
        """);
    write("environments/staging/config.yaml", LOCAL);
  }

  @Test
  void anEnvironmentWithoutItsOwnSectionsHasNoEnvironmentConfig() throws IOException {
    write("environments/production/config.yaml", LOCAL);

    assertThat(production().environmentConfig()).isNull();
  }

  @Test
  void applyConfigSecretsAndLifecycleAreResolved() throws IOException {
    write("environments/production/config.yaml", LOCAL + """
        applyConfig: true
        secrets: {DB_PASSWORD: "env:DB_PASSWORD"}
        lifecycle:
          ttlHours: 48
          drift: {intervalMinutes: 15, remediationApprovers: [olivia]}
          destroy: {approvers: [olivia, pat], minApprovals: 2, timeoutHours: 8}
        """);

    EnvironmentConfig config = production().environmentConfig();

    assertThat(config.applies()).isTrue();
    assertThat(config.secrets()).isEqualTo(Map.of("DB_PASSWORD", "env:DB_PASSWORD"));
    assertThat(config.ttlHours()).isEqualTo(48);
    assertThat(config.drift().intervalMinutesOrDefault()).isEqualTo(15);
    assertThat(config.drift().approversOrEmpty()).containsExactly("olivia");
    assertThat(config.destroyApproval().approversOrEmpty()).containsExactly("olivia", "pat");
    assertThat(config.destroyApproval().minApprovalsOrDefault()).isEqualTo(2);
  }

  @Test
  void aSecretValueInsteadOfAReferenceIsRefusedWithoutRepeatingIt() throws IOException {
    write("environments/production/config.yaml", LOCAL + """
        applyConfig: true
        secrets: {DB_PASSWORD: "hunter2"}
        """);

    assertThatThrownBy(this::production).isInstanceOf(SpecException.class)
        .hasMessageContaining("field 'secrets.DB_PASSWORD' must be a reference, `ssm:/path/in/parameter-store` or"
            + " `env:VARIABLE_ON_THE_WORKER`")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void secretsNeedApplyConfigAndTheLocalTargetTakesEnvReferencesOnly() throws IOException {
    write("environments/production/config.yaml", LOCAL + """
        secrets: {API_TOKEN: "ssm:/prod/api-token"}
        """);

    assertThatThrownBy(this::production).isInstanceOf(SpecException.class)
        .hasMessageContaining("field 'secrets' needs `applyConfig: true`")
        .hasMessageContaining("field 'secrets.API_TOKEN': the local target resolves env: references only");
  }

  @Test
  void aTypoInTheLifecycleSectionNamesTheKnownFields() throws IOException {
    write("environments/production/config.yaml", LOCAL + """
        lifecycle: {ttlHour: 4}
        """);

    assertThatThrownBy(this::production).isInstanceOf(SpecException.class)
        .hasMessageContaining("unknown field 'ttlHour'").hasMessageContaining("ttlHours");
  }

  @Test
  void destroyApproversAndRangesAreChecked() throws IOException {
    write("environments/production/config.yaml", LOCAL + """
        lifecycle:
          ttlHours: 0
          destroy: {approvers: [], minApprovals: 3}
        """);

    assertThatThrownBy(this::production).isInstanceOf(SpecException.class)
        .hasMessageContaining("field 'lifecycle.ttlHours' is 0")
        .hasMessageContaining("field 'lifecycle.destroy.approvers' must name who may approve");
  }

  @Test
  void anAwsEnvironmentCarriesItsTemplateAndALocalOneMayNotHaveOne() throws IOException {
    write("stacks/app.yaml", "Resources:\n  Bucket: {Type: AWS::S3::Bucket}\n");
    write("environments/production/config.yaml", ReleaseSpecLoaderAwsTest.GOOD + """
        verification: {required: false}
        lifecycle:
          infrastructure: {template: stacks/app.yaml, parameters: {Size: small}}
        """);

    var infrastructure = production().environmentConfig().infrastructure();

    assertThat(infrastructure.templateBody()).contains("AWS::S3::Bucket");
    assertThat(infrastructure.parameters()).containsEntry("Size", "small");

    write("environments/production/config.yaml", LOCAL + """
        lifecycle:
          infrastructure: {template: stacks/missing.yaml}
        """);
    assertThatThrownBy(this::production).hasMessageContaining("'lifecycle.infrastructure' is for AWS targets");
  }

  @Test
  void aPromotionTakesTheTargetAloneWithTheSourceAsItsPromotion() throws IOException {
    write("environments/production/config.yaml", LOCAL);

    ReleaseRequest promotion = loader.loadPromotion(dir.resolve("release.yaml"), "hello-service", "1.4.0",
        "staging", "production", ReleaseSpecLoader.Overrides.none());

    assertThat(promotion.environments()).extracting(EnvironmentPlan::name).containsExactly("production");
    assertThat(promotion.promotion().environment().name()).isEqualTo("staging");
    assertThat(promotion.releaseId()).isEqualTo("promotion/hello-service/1.4.0/production");
  }

  @Test
  void aPromotionOfAnotherVersionOrBackwardsIsRefused() throws IOException {
    write("environments/production/config.yaml", LOCAL);

    assertThatThrownBy(() -> loader.loadPromotion(dir.resolve("release.yaml"), "hello-service", "1.5.0",
        "staging", "production", ReleaseSpecLoader.Overrides.none()))
        .hasMessageContaining("is for version 1.4.0, not 1.5.0");
    assertThatThrownBy(() -> loader.loadPromotion(dir.resolve("release.yaml"), "hello-service", "1.4.0",
        "production", "staging", ReleaseSpecLoader.Overrides.none()))
        .hasMessageContaining("a promotion moves one step forward");
  }

  private EnvironmentPlan production() {
    return loader.load(dir.resolve("release.yaml")).environments().get(1);
  }

  private void write(String path, String content) throws IOException {
    Path file = dir.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }
}
