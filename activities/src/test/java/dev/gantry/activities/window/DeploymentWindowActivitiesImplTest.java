package dev.gantry.activities.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gantry.workflows.api.window.DeploymentWindowActivities;
import dev.gantry.workflows.api.window.DeploymentWindowPolicies;
import dev.gantry.workflows.api.window.DeploymentWindowPolicy;
import dev.gantry.workflows.api.window.Freeze;
import dev.gantry.workflows.api.window.WeeklyWindow;
import dev.gantry.workflows.api.window.WindowCheckRequest;
import dev.gantry.workflows.api.window.WindowDecision;
import io.temporal.activity.ActivityOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The activity as Temporal runs it: records through the data converter, failures as Temporal sees them. */
class DeploymentWindowActivitiesImplTest {

  @TempDir
  Path tmp;

  private TestActivityEnvironment env;
  private DeploymentWindowActivities activities;

  @BeforeEach
  void setUp() {
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(new DeploymentWindowActivitiesImpl());
    activities = env.newActivityStub(DeploymentWindowActivities.class,
        ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(30)).build());
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void aDecisionTravelsThroughTheDataConverter() throws IOException {
    Path ics = tmp.resolve("de-holidays.ics");
    Files.writeString(ics, String.join("\r\n",
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Gantry//Test//EN",
        "BEGIN:VEVENT", "UID:xmas@gantry.dev", "DTSTAMP:20200101T000000Z", "DTSTART;VALUE=DATE:20201225",
        "RRULE:FREQ=YEARLY", "SUMMARY:Christmas Day", "END:VEVENT", "END:VCALENDAR", ""));
    DeploymentWindowPolicy policy = new DeploymentWindowPolicy("Europe/Berlin",
        List.of(new WeeklyWindow(List.of("MON-FRI"), "09:00", "17:00")),
        List.of(new Freeze("2026-12-28", "2026-12-28", "after-christmas")),
        null, List.of(ics.toString()));

    WindowDecision decision = activities.evaluate(new WindowCheckRequest("production", policy,
        Instant.parse("2026-12-25T09:00:00Z").toEpochMilli(), List.of()));

    assertThat(decision.open()).isFalse();
    assertThat(decision.reason()).isEqualTo("holiday 'Christmas Day' (de-holidays.ics) until Sat 2026-12-26 00:00 CET");
    assertThat(decision.nextOpenDescription()).isEqualTo("Tue 2026-12-29 09:00 CET (2026-12-29T08:00:00Z)");
    assertThat(decision.nextOpenEpochMillis()).isEqualTo(Instant.parse("2026-12-29T08:00:00Z").toEpochMilli());
  }

  @Test
  void aBrokenCalendarReachesTheCallerAsANonRetryableInvalidWindowPolicy() throws IOException {
    Path ics = tmp.resolve("broken.ics");
    Files.writeString(ics, "this is not a calendar\r\n");
    DeploymentWindowPolicy policy = new DeploymentWindowPolicy("Europe/Berlin", null, null, null,
        List.of(ics.toString()));

    ActivityFailure failure = catchThrowableOfType(ActivityFailure.class, () -> activities.evaluate(
        new WindowCheckRequest("production", policy, 0L, null)));

    assertThat(failure).isNotNull();
    assertThat(failure.getCause()).isInstanceOf(ApplicationFailure.class);
    ApplicationFailure cause = (ApplicationFailure) failure.getCause();
    assertThat(cause.getType()).isEqualTo(DeploymentWindowPolicies.INVALID_WINDOW_POLICY);
    assertThat(cause.isNonRetryable()).isTrue();
    assertThat(cause.getOriginalMessage()).contains(ics.toString()).contains("line 1");
  }
}
