package dev.gantry.starter.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.workflows.api.flags.Allocation;
import dev.gantry.workflows.api.flags.FlagPolicy;
import dev.gantry.workflows.api.release.ReleaseRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code flags:} section of an environment's config: resolved, and every mistake named with its fix. */
class ReleaseSpecLoaderFlagsTest {
  private static final String BASE = """
      regions: [{name: us-east-1}]
      target: {type: local, root: targets}
      healthCheck: {command: "true"}
      verification: {required: false}
      """;
  private final PlanningLoader loader = new PlanningLoader();
  @TempDir Path dir;

  @BeforeEach
  void writeSpec() throws IOException {
    Files.writeString(dir.resolve("app.bin"), "payload");
    write("release.yaml", """
        application: shop
        version: 2.0.0
        requestedBy: dana
        artifact: {file: app.bin}
        promotion: [production]
        """);
  }

  @Test
  void aFullSectionIsResolved() throws IOException {
    write("flags/dev.json", "{}");
    production("""
        flags:
          split:
            workspaceId: ws-4f2a
            environment: Production
            adminApiKeyEnv: SPLIT_ADMIN_API_KEY
          required: [new-checkout, payments_v2]
          metricsUrl: http://metrics.internal/flags
          ramps:
            - {flag: new-checkout, steps: [5, 25, 100], bakeMinutes: 20, metric: checkout_errors, maxRate: 0.02,
               treatment: on, offTreatment: off}
          experiments:
            - name: checkout-button
              flag: checkout-button-color
              split: {on: 50, off: 50}
              metric: purchases
              minSamplePerTreatment: 5000
              decision: automatic
        """);
    FlagPolicy flags = load().environments().get(0).flags();
    assertThat(flags.split().workspaceId()).isEqualTo("ws-4f2a");
    assertThat(flags.split().adminUrlOrDefault()).isEqualTo("https://api.split.io/internal/api/v2");
    assertThat(flags.required()).containsExactly("new-checkout", "payments_v2");
    assertThat(flags.ramps()).singleElement().satisfies(r -> {
      assertThat(r.stepsOrDefault()).containsExactly(5, 25, 100);
      assertThat(r.treatmentOrDefault()).as("YAML's on/off stay treatment names").isEqualTo("on");
      assertThat(r.offTreatmentOrDefault()).isEqualTo("off");
    });
    assertThat(flags.experiments()).singleElement().satisfies(e -> {
      assertThat(e.split()).containsExactly(new Allocation("on", 50), new Allocation("off", 50));
      assertThat(e.automatic()).isTrue();
      assertThat(e.controlOrDefault()).isEqualTo("off");
    });
  }

  @Test
  void localhostModeNeedsNoAdminKeyForRequiredFlagsAndTheFileIsResolved() throws IOException {
    write("flags/dev.json", "{}");
    production("""
        flags:
          split: {environment: Development, localhostFile: flags/dev.json}
          required: [new-checkout]
        """);
    FlagPolicy flags = load().environments().get(0).flags();
    assertThat(flags.split().localhostFile()).isEqualTo(dir.resolve("flags/dev.json").toString());
    assertThat(flags.split().hasSdk()).isTrue();
  }

  @Test
  void anEnvironmentWithoutFlagsHasNoFlagPolicy() throws IOException {
    production("");
    assertThat(load().environments().get(0).flags()).isNull();
  }

  @Test
  void splitSettingsMistakes() throws IOException {
    production("""
        flags:
          split: {adminApiKeyEnv: "sk-live-123abc", adminUrl: "http://split.example.com/api",
                  localhostFile: flags/missing.txt, sdkKeyEnv: SPLIT_SDK_KEY}
          required: [new-checkout]
          ramps: [{flag: new-checkout, metric: errors, maxRate: 0.01}]
          metricsUrl: http://metrics/flags
        """);
    assertThat(problems())
        .anySatisfy(p -> assertThat(p).contains("environments/production/config.yaml")
            .contains("'flags.split.environment' is missing"))
        .anySatisfy(p -> assertThat(p).contains("'flags.split.workspaceId' is missing"))
        .anySatisfy(p -> assertThat(p).contains("'flags.split.adminApiKeyEnv' must be the NAME of an environment"
            + " variable").contains("not a key"))
        .anySatisfy(p -> assertThat(p).contains("'flags.split.adminUrl' must be an https URL"))
        .anySatisfy(p -> assertThat(p).contains("'flags.split.localhostFile' and 'sdkKeyEnv' exclude each other"))
        .anySatisfy(p -> assertThat(p).contains("'flags.split.localhostFile' must be a .json"))
        .anySatisfy(p -> assertThat(p).contains("'flags.split.localhostFile'").contains("does not exist"));
  }

  @Test
  void aMissingSplitSectionAndAnEmptyFlagsSectionAreNamed() throws IOException {
    production("""
        flags:
          metricsUrl: http://metrics/flags
        """);
    assertThat(problems())
        .anySatisfy(p -> assertThat(p).contains("'flags.split' is missing").contains("adminApiKeyEnv"))
        .anySatisfy(p -> assertThat(p).contains("'flags' needs at least one of 'required', 'ramps' or 'experiments'"));
  }

  @Test
  void requiredFlagsMistakes() throws IOException {
    production("""
        flags:
          split: {workspaceId: ws, environment: Production}
          required: [new-checkout, "new checkout", new-checkout]
        """);
    assertThat(problems())
        .anySatisfy(p -> assertThat(p).contains("'flags.required' has 'new checkout'"))
        .anySatisfy(p -> assertThat(p).contains("'flags.required' lists new-checkout twice"))
        .anySatisfy(p -> assertThat(p).contains("'flags.split.adminApiKeyEnv' is missing"));
  }

  @Test
  void rampMistakes() throws IOException {
    production("""
        flags:
          split: {workspaceId: ws, environment: Production, adminApiKeyEnv: SPLIT_ADMIN_API_KEY}
          ramps:
            - {flag: new-checkout, steps: [50, 10, 90], bakeMinutes: 0, maxRate: 2, treatment: on, offTreatment: on}
            - {flag: new-checkout, metric: errors, maxRate: 0.01}
        """);
    assertThat(problems())
        .anySatisfy(p -> assertThat(p).contains("'flags.metricsUrl' must be the http(s) metrics endpoint"))
        .anySatisfy(p -> assertThat(p).contains("'flags.ramps[0].steps' must be increasing").contains("[50, 10, 90]"))
        .anySatisfy(p -> assertThat(p).contains("'flags.ramps[0].bakeMinutes' is 0; allowed 1..1440"))
        .anySatisfy(p -> assertThat(p).contains("'flags.ramps[0].metric' is missing"))
        .anySatisfy(p -> assertThat(p).contains("'flags.ramps[0].maxRate' must be a rate between 0 and 1"))
        .anySatisfy(p -> assertThat(p).contains("'flags.ramps[0].treatment' and 'offTreatment' must differ"))
        .anySatisfy(p -> assertThat(p).contains("'flags.ramps' ramps new-checkout twice"));
  }

  @Test
  void experimentMistakes() throws IOException {
    production("""
        flags:
          split: {workspaceId: ws, environment: Production, adminApiKeyEnv: SPLIT_ADMIN_API_KEY}
          metricsUrl: http://metrics/flags
          experiments:
            - {name: Checkout Test, flag: checkout, split: {green: 60, blue: 50}, control: off,
               alpha: 0.5, decision: sometimes, maxDurationHours: 9999}
        """);
    assertThat(problems())
        .anySatisfy(p -> assertThat(p).contains("'flags.experiments[0].name' must be a lowercase name"))
        .anySatisfy(p -> assertThat(p).contains("'flags.experiments[0].split' must give two or more treatments"))
        .anySatisfy(p -> assertThat(p).contains("'flags.experiments[0].control' is off, which is not in 'split'"))
        .anySatisfy(p -> assertThat(p).contains("'flags.experiments[0].metric' is missing"))
        .anySatisfy(p -> assertThat(p).contains("'flags.experiments[0].minSamplePerTreatment' is missing"))
        .anySatisfy(p -> assertThat(p).contains("'flags.experiments[0].alpha' must be above 0"))
        .anySatisfy(p -> assertThat(p).contains("'flags.experiments[0].decision' must be automatic or manual"))
        .anySatisfy(p -> assertThat(p).contains("'flags.experiments[0].maxDurationHours' is 9999"));
  }

  @Test
  void aTypoInTheSectionIsAnUnknownField() throws IOException {
    production("""
        flags:
          split: {workspaceId: ws, environment: Production, adminApiKeyEnv: SPLIT_ADMIN_API_KEY}
          requierd: [new-checkout]
        """);
    assertThat(problems()).singleElement().asString().contains("unknown field 'requierd'").contains("required");
  }

  private void production(String flags) throws IOException {
    write("environments/production/config.yaml", BASE + flags);
  }

  private ReleaseRequest load() {
    return loader.load(dir.resolve("release.yaml"));
  }

  private List<String> problems() {
    SpecException e = (SpecException) org.assertj.core.api.Assertions.catchThrowable(this::load);
    assertThat(e).as("the spec should have been refused").isNotNull();
    return e.problems();
  }

  private void write(String relative, String content) throws IOException {
    Path file = dir.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }
}
