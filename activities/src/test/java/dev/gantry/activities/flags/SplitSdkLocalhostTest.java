package dev.gantry.activities.flags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gantry.workflows.api.flags.FeatureFlagActivities;
import dev.gantry.workflows.api.flags.RequiredFlagsRequest;
import dev.gantry.workflows.api.flags.RequiredFlagsResult;
import dev.gantry.workflows.api.flags.SplitSettings;
import dev.gantry.workflows.api.flags.TreatmentRequest;
import io.temporal.failure.ApplicationFailure;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The real Split SDK in localhost mode, offline, reading the flag files in src/test/resources/flags. */
class SplitSdkLocalhostTest {
  private final FeatureFlagActivitiesImpl flags = new FeatureFlagActivitiesImpl(
      new SplitAdminClient(HttpClient.newHttpClient(), Duration.ofSeconds(1), n -> null),
      new SplitSdkFlags(n -> null, 10_000));

  @AfterEach
  void close() {
    flags.close();
  }

  private static SplitSettings localhost(String file) {
    return new SplitSettings(null, "Development", null, null, null, resource(file));
  }

  private static String resource(String file) {
    try {
      return Path.of(SplitSdkLocalhostTest.class.getResource("/flags/" + file).toURI()).toString();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aJsonFileWithPercentagesGivesAboutThatShareOfKeysTheTreatment() {
    SplitSettings split = localhost("localhost-flags.json");
    int on = 0;
    for (int i = 0; i < 2000; i++) {
      String treatment = flags.treatment(new TreatmentRequest(split, "new-checkout", "user-" + i, Map.of())).treatment();
      assertThat(treatment).isIn("on", "off");
      on += treatment.equals("on") ? 1 : 0;
    }
    assertThat(on).as("10%% of 2000 keys by Split's hashing, got %d", on).isBetween(140, 260);
    assertThat(flags.treatment(new TreatmentRequest(split, "new-checkout", "user-7", null)).treatment())
        .as("the same key always gets the same treatment")
        .isEqualTo(flags.treatment(new TreatmentRequest(split, "new-checkout", "user-7", null)).treatment());
  }

  @Test
  void aKilledFlagGivesItsDefaultTreatmentAndAnUnknownFlagControl() {
    SplitSettings split = localhost("localhost-flags.json");
    assertThat(flags.treatment(new TreatmentRequest(split, "payments-v2", "user-1", null)).treatment()).isEqualTo("off");
    assertThat(flags.treatment(new TreatmentRequest(split, "no-such-flag", "user-1", null)).treatment())
        .isEqualTo("control");
  }

  @Test
  void requiredFlagsAreCheckedWithTheSdk() {
    RequiredFlagsResult result = flags.checkRequired(new RequiredFlagsRequest("release/hello/1.0", "dev",
        localhost("localhost-flags.json"), List.of("new-checkout", "payments-v2", "search-v3")));

    assertThat(result.present()).containsExactly("new-checkout");
    assertThat(result.killed()).containsExactly("payments-v2");
    assertThat(result.missing()).containsExactly("search-v3");
    assertThat(result.source()).startsWith("split-sdk localhost ").endsWith("localhost-flags.json");
    assertThat(result.passed()).isFalse();
  }

  @Test
  void aYamlFileGivesPerKeyTreatments() {
    SplitSettings split = localhost("localhost-flags.yaml");
    assertThat(flags.treatment(new TreatmentRequest(split, "new-checkout", "qa-user", null)).treatment()).isEqualTo("on");
    assertThat(flags.treatment(new TreatmentRequest(split, "new-checkout", "someone", null)).treatment()).isEqualTo("off");
    assertThat(flags.checkRequired(new RequiredFlagsRequest("r", "dev", split, List.of("search-v3"))).passed()).isTrue();
  }

  @Test
  void aMissingFileOrNoSdkIsRefusedWithTheField() {
    ApplicationFailure missing = catchThrowableOfType(ApplicationFailure.class, () -> flags.treatment(
        new TreatmentRequest(new SplitSettings(null, "Dev", null, null, null, "/nowhere/flags.json"), "f", "k", null)));
    assertThat(missing.getType()).isEqualTo(FeatureFlagActivities.INVALID_SETTINGS);
    assertThat(missing.getOriginalMessage()).contains("flags.split.localhostFile /nowhere/flags.json does not exist");

    ApplicationFailure noKey = catchThrowableOfType(ApplicationFailure.class, () -> flags.treatment(
        new TreatmentRequest(new SplitSettings(null, "Prod", null, null, "SPLIT_SDK_KEY", null), "f", "k", null)));
    assertThat(noKey.getType()).isEqualTo(FeatureFlagActivities.CREDENTIAL_MISSING);
    assertThat(noKey.getOriginalMessage()).contains("SPLIT_SDK_KEY");
  }
}
