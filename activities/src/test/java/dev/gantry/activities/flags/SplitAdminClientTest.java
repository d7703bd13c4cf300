package dev.gantry.activities.flags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gantry.workflows.api.flags.Allocation;
import dev.gantry.workflows.api.flags.FeatureFlagActivities;
import dev.gantry.workflows.api.flags.FlagState;
import dev.gantry.workflows.api.flags.RequiredFlagsRequest;
import dev.gantry.workflows.api.flags.RequiredFlagsResult;
import dev.gantry.workflows.api.flags.SplitSettings;
import io.temporal.failure.ApplicationFailure;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Admin API client against a local server that follows Split's documented API. */
class SplitAdminClientTest {
  private FakeSplitAdmin split;
  private SplitAdminClient client;
  private SplitSettings settings;

  @BeforeEach
  void start() throws Exception {
    split = new FakeSplitAdmin();
    client = new SplitAdminClient(HttpClient.newHttpClient(), Duration.ofSeconds(5),
        Map.of("SPLIT_ADMIN_API_KEY", FakeSplitAdmin.KEY)::get);
    settings = new SplitSettings(FakeSplitAdmin.WS, FakeSplitAdmin.ENV, "SPLIT_ADMIN_API_KEY", split.adminUrl() + "/",
        null, null);
  }

  @AfterEach
  void stop() {
    split.close();
  }

  @Test
  void listingReadsEveryPageOfFiftyWithTheBearerKey() {
    for (int i = 0; i < 120; i++) {
      split.define(String.format("flag-%03d", i), i == 77);
    }

    List<FlagState> flags = client.listFlags(settings);

    assertThat(flags).hasSize(120);
    assertThat(flags.get(77)).satisfies(f -> {
      assertThat(f.name()).isEqualTo("flag-077");
      assertThat(f.killed()).isTrue();
      assertThat(f.defaultRule()).containsExactly(new Allocation("off", 100));
    });
    assertThat(split.requests).extracting(FakeSplitAdmin.Request::method, FakeSplitAdmin.Request::path,
            FakeSplitAdmin.Request::query)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("GET", "/internal/api/v2/splits/ws/ws-4f2a/environments/Production",
                "limit=50&offset=0"),
            org.assertj.core.groups.Tuple.tuple("GET", "/internal/api/v2/splits/ws/ws-4f2a/environments/Production",
                "limit=50&offset=50"),
            org.assertj.core.groups.Tuple.tuple("GET", "/internal/api/v2/splits/ws/ws-4f2a/environments/Production",
                "limit=50&offset=100"));
    assertThat(split.requests).allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer " + FakeSplitAdmin.KEY));
  }

  @Test
  void exactlyFiftyFlagsStopAfterTheEmptyPage() {
    for (int i = 0; i < 50; i++) {
      split.define("f" + i, false);
    }
    assertThat(client.listFlags(settings)).hasSize(50);
    assertThat(split.requests).as("totalCount says there is nothing more").hasSize(1);
  }

  @Test
  void settingTheRolloutSendsAJsonPatchReplacingTheDefaultRule() throws Exception {
    split.define("new-checkout", false);

    FlagState state = client.setDefaultRule(settings, "new-checkout", Allocation.rollout("on", "off", 10));

    assertThat(state.defaultRule()).containsExactly(new Allocation("on", 10), new Allocation("off", 90));
    FakeSplitAdmin.Request patch = split.patches().get(0);
    assertThat(patch.path()).isEqualTo("/internal/api/v2/splits/ws/ws-4f2a/new-checkout/environments/Production");
    assertThat(patch.contentType()).isEqualTo("application/json");
    assertThat(patch.body().toString()).isEqualTo(
        "[{\"op\":\"replace\",\"path\":\"/defaultRule\",\"value\":[{\"treatment\":\"on\",\"size\":10},"
            + "{\"treatment\":\"off\",\"size\":90}]}]");
    assertThat(split.percentOn("new-checkout")).isEqualTo(10);
  }

  @Test
  void killingUsesSplitsDocumentedKillEndpointNotAJsonPatch() {
    split.define("new-checkout", false);

    FlagState state = client.kill(settings, "new-checkout");

    assertThat(state.killed()).isTrue();
    assertThat(split.patches()).as("Split documents no JSON Patch of /killed").isEmpty();
    assertThat(split.kills()).singleElement().satisfies(kill -> {
      assertThat(kill.method()).isEqualTo("PUT");
      assertThat(kill.path()).isEqualTo("/internal/api/v2/splits/ws/" + FakeSplitAdmin.WS
          + "/new-checkout/environments/" + FakeSplitAdmin.ENV + "/kill");
    });
  }

  @Test
  void theFakeRefusesWhatSplitDoesNotDocumentSoAWrongRequestFailsTheTest() throws Exception {
    split.define("new-checkout", false);
    var http = java.net.http.HttpClient.newHttpClient();
    String flag = split.adminUrl() + "/splits/ws/" + FakeSplitAdmin.WS + "/new-checkout/environments/"
        + FakeSplitAdmin.ENV;
    java.util.function.BiFunction<String, String, Integer> call = (method, url) -> {
      try {
        return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
            .header("Authorization", "Bearer " + FakeSplitAdmin.KEY).header("Content-Type", "application/json")
            .method(method, java.net.http.HttpRequest.BodyPublishers.ofString(
                "[{\"op\":\"replace\",\"path\":\"/killed\",\"value\":true}]")).build(),
            java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };

    assertThat(call.apply("PATCH", flag)).as("the undocumented JSON Patch of /killed").isEqualTo(400);
    assertThat(call.apply("PATCH", flag + "/kill")).as("kill is PUT or POST").isEqualTo(405);
    assertThat(call.apply("GET", flag + "/kill")).isEqualTo(405);
    assertThat(call.apply("PUT", flag + "/killed")).as("no such path").isEqualTo(404);
    assertThat(call.apply("PATCH", split.adminUrl() + "/splits/ws/" + FakeSplitAdmin.WS + "/environments/"
        + FakeSplitAdmin.ENV)).isEqualTo(405);
    assertThat(split.flags.get("new-checkout").path("killed").asBoolean()).isFalse();
  }

  @Test
  void rateLimitsAndServerErrorsAreRetryableAndSaySo() {
    split.define("new-checkout", false);
    split.planned.add(new FakeSplitAdmin.Planned(429, "{\"code\":429,\"message\":\"Too Many Requests\"}",
        Map.of("X-RateLimit-Reset-Seconds-Org", "7")));
    split.planned.add(new FakeSplitAdmin.Planned(503, "upstream down", Map.of()));

    ApplicationFailure limited = catchThrowableOfType(ApplicationFailure.class,
        () -> client.setDefaultRule(settings, "new-checkout", Allocation.rollout("on", "off", 50)));
    ApplicationFailure down = catchThrowableOfType(ApplicationFailure.class,
        () -> client.setDefaultRule(settings, "new-checkout", Allocation.rollout("on", "off", 50)));

    assertThat(limited.getType()).isEqualTo(FeatureFlagActivities.UNAVAILABLE);
    assertThat(limited.isNonRetryable()).isFalse();
    assertThat(limited.getOriginalMessage()).contains("429").contains("resets in 7 s").contains("will retry");
    assertThat(down.getType()).isEqualTo(FeatureFlagActivities.UNAVAILABLE);
    assertThat(down.isNonRetryable()).isFalse();
    assertThat(client.setDefaultRule(settings, "new-checkout", Allocation.rollout("on", "off", 50)).defaultRule())
        .contains(new Allocation("on", 50));
  }

  @Test
  void refusalsAreNotRetriedAndExplainThemselves() {
    split.define("new-checkout", false);

    ApplicationFailure unknown = catchThrowableOfType(ApplicationFailure.class,
        () -> client.setDefaultRule(settings, "no-such-flag", Allocation.rollout("on", "off", 10)));
    ApplicationFailure badTreatment = catchThrowableOfType(ApplicationFailure.class,
        () -> client.setDefaultRule(settings, "new-checkout", Allocation.rollout("blue", "off", 10)));
    ApplicationFailure wrongKey = catchThrowableOfType(ApplicationFailure.class, () -> new SplitAdminClient(
        HttpClient.newHttpClient(), Duration.ofSeconds(5), Map.of("SPLIT_ADMIN_API_KEY", "stale")::get)
        .listFlags(settings));

    assertThat(unknown.getType()).isEqualTo(FeatureFlagActivities.NOT_FOUND);
    assertThat(unknown.isNonRetryable()).isTrue();
    assertThat(unknown.getOriginalMessage()).contains("404").contains("is the flag defined in that environment");
    assertThat(badTreatment.getType()).isEqualTo(FeatureFlagActivities.REFUSED);
    assertThat(badTreatment.getOriginalMessage()).contains("400").contains("Treatment \\\"blue\\\" is not defined");
    assertThat(wrongKey.getType()).isEqualTo(FeatureFlagActivities.REFUSED);
    assertThat(wrongKey.getOriginalMessage()).contains("401").contains("flags.split.adminApiKeyEnv")
        .doesNotContain("stale");
  }

  @Test
  void sizesThatDoNotAddUpAreRefusedBeforeAnythingIsSent() {
    ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class, () -> client.setDefaultRule(settings,
        "new-checkout", List.of(new Allocation("on", 60), new Allocation("off", 60))));
    assertThat(failure.getType()).isEqualTo(FeatureFlagActivities.INVALID_SETTINGS);
    assertThat(split.requests).isEmpty();
  }

  @Test
  void aMissingKeyVariableOrAPlainHttpHostIsRefusedWithTheFix() {
    SplitAdminClient noKey = new SplitAdminClient(HttpClient.newHttpClient(), Duration.ofSeconds(5), name -> null);
    ApplicationFailure missing = catchThrowableOfType(ApplicationFailure.class, () -> noKey.listFlags(settings));
    assertThat(missing.getType()).isEqualTo(FeatureFlagActivities.CREDENTIAL_MISSING);
    assertThat(missing.getOriginalMessage()).contains("SPLIT_ADMIN_API_KEY").contains("restart the worker");

    SplitSettings clear = new SplitSettings(FakeSplitAdmin.WS, FakeSplitAdmin.ENV, "SPLIT_ADMIN_API_KEY",
        "http://split.example.com/internal/api/v2", null, null);
    ApplicationFailure plain = catchThrowableOfType(ApplicationFailure.class, () -> client.listFlags(clear));
    assertThat(plain.getType()).isEqualTo(FeatureFlagActivities.INVALID_SETTINGS);
    assertThat(plain.getOriginalMessage()).contains("plain http");
  }

  @Test
  void requiredFlagsWithoutAnSdkAreCheckedAgainstTheAdminApiList() {
    split.define("new-checkout", false);
    split.define("payments-v2", true);
    FeatureFlagActivitiesImpl activities = new FeatureFlagActivitiesImpl(client, new SplitSdkFlags(n -> null, 1000));

    RequiredFlagsResult result = activities.checkRequired(new RequiredFlagsRequest("release/x/1", "production",
        settings, List.of("new-checkout", "payments-v2", "search-v3")));

    assertThat(result.present()).containsExactly("new-checkout");
    assertThat(result.killed()).containsExactly("payments-v2");
    assertThat(result.missing()).containsExactly("search-v3");
    assertThat(result.source()).isEqualTo("split-admin-api Production");
  }
}
