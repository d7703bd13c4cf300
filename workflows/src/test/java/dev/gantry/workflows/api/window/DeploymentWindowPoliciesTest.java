package dev.gantry.workflows.api.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeploymentWindowPoliciesTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final WeeklyWindow OFFICE_HOURS = new WeeklyWindow(List.of("MON-FRI"), "09:00", "17:00");

  @Test
  void aCompletePolicyHasNoProblems() {
    DeploymentWindowPolicy policy = new DeploymentWindowPolicy("Europe/Berlin",
        List.of(OFFICE_HOURS, new WeeklyWindow(List.of("sat", "Sunday"), "22:00", "02:00")),
        List.of(new Freeze("2026-12-21", "2027-01-04", "year-end"),
            new Freeze("2026-03-25T12:00", "2026-03-25 14:00", null),
            new Freeze("2026-03-25T10:00:00Z", "2026-03-25T12:30+01:00", "instants")),
        List.of(new WeeklyWindow(List.of("FRI"), "15:00", "24:00")),
        List.of("/etc/gantry/de-holidays.ics", "C:\\gantry\\holidays.ics"));

    assertThat(DeploymentWindowPolicies.problems(policy)).isEmpty();
  }

  @Test
  void noPolicyAndAnEmptyOneAreValid() {
    assertThat(DeploymentWindowPolicies.problems(null)).isEmpty();
    assertThat(DeploymentWindowPolicies.problems(new DeploymentWindowPolicy("UTC", null, null, null, null)))
        .isEmpty();
  }

  @Test
  void theTimeZoneIsRequiredAndMustBeKnown() {
    assertThat(DeploymentWindowPolicies.problems(new DeploymentWindowPolicy(null, null, null, null, null)))
        .containsExactly("window.timeZone is missing: give an IANA time zone such as Europe/Berlin");
    assertThat(DeploymentWindowPolicies.problems(
        new DeploymentWindowPolicy("Europe/Berln", null, null, null, null)))
        .containsExactly("window.timeZone: 'Europe/Berln' is not a known time zone: use an IANA id such as"
            + " Europe/Berlin, America/New_York or UTC");
  }

  @Test
  void badDaysAndTimesAreNamedWithTheirFieldAndTheFix() {
    DeploymentWindowPolicy policy = new DeploymentWindowPolicy("Europe/Berlin",
        List.of(new WeeklyWindow(List.of("MON", "Fryday", "MON-FUN"), "9:00", "25:00"),
            new WeeklyWindow(List.of(), null, null),
            new WeeklyWindow(List.of("TUE"), "24:00", "17:00")),
        null, List.of(new WeeklyWindow(List.of("FRI"), "15:00", "15:00")), null);

    assertThat(DeploymentWindowPolicies.problems(policy)).containsExactly(
        "window.allowed[0].days[1]: 'Fryday' is not a day: use MON, TUE, WED, THU, FRI, SAT, SUN or a range"
            + " such as MON-FRI",
        "window.allowed[0].days[2]: 'MON-FUN' is not a day: use MON, TUE, WED, THU, FRI, SAT, SUN or a range"
            + " such as MON-FRI",
        "window.allowed[0].from: '9:00' is not a time: use HH:mm from 00:00 to 23:59, e.g. 09:00",
        "window.allowed[0].to: '25:00' is not a time: use HH:mm from 00:00 to 24:00, e.g. 17:00",
        "window.allowed[1].days is missing: list the days on which it starts, e.g. [MON-FRI]",
        "window.allowed[1].from is missing: give a wall-clock time HH:mm such as 09:00",
        "window.allowed[1].to is missing: give a wall-clock time HH:mm such as 17:00, or 24:00",
        "window.allowed[2].from: '24:00' is not a time: use HH:mm from 00:00 to 23:59, e.g. 09:00",
        "window.recurringFreezes[0]: from and to are both 15:00, which is an empty span; use from 00:00 to"
            + " 24:00 for a whole day");
  }

  @Test
  void badFreezesAreNamedWithTheirFieldAndTheFix() {
    DeploymentWindowPolicy policy = new DeploymentWindowPolicy("Europe/Berlin", null,
        Arrays.asList(
            new Freeze("2027-01-04", "2026-12-21", "backwards"),
            new Freeze("next friday", null, null),
            null,
            new Freeze("2026-03-25T10:00", "2026-03-25T10:00", "empty"),
            new Freeze("2026-03-25", "2026-03-25", "one whole day")),
        null, null);

    assertThat(DeploymentWindowPolicies.problems(policy)).containsExactly(
        "window.freezes[0]: to '2026-12-21' is not after from '2027-01-04': a freeze must end after it"
            + " starts (a date as to includes that whole day)",
        "window.freezes[1].from: 'next friday' is not a date or date-time: use a date (2026-12-24), a local"
            + " date-time in the policy's time zone (2026-12-24T18:00) or an instant with offset"
            + " (2026-12-24T17:00:00Z)",
        "window.freezes[1].to is missing: use a date (2026-12-24), a local date-time in the policy's time"
            + " zone (2026-12-24T18:00) or an instant with offset (2026-12-24T17:00:00Z)",
        "window.freezes[2] is empty: give from and to",
        "window.freezes[3]: to '2026-03-25T10:00' is not after from '2026-03-25T10:00': a freeze must end"
            + " after it starts (a date as to includes that whole day)");
  }

  @Test
  void holidayCalendarsMustBeAbsolutePathsAfterTheLoaderResolvedThem() {
    DeploymentWindowPolicy policy = new DeploymentWindowPolicy("UTC", null, null, null,
        Arrays.asList("holidays/de.ics", " ", null, "/abs/de.ics"));

    assertThat(DeploymentWindowPolicies.problems(policy)).containsExactly(
        "window.holidayCalendars[0] 'holidays/de.ics' is not an absolute path: the release spec loader must"
            + " resolve it against the release spec folder before the release starts",
        "window.holidayCalendars[1] is empty: give the path of an iCalendar (.ics) file",
        "window.holidayCalendars[2] is empty: give the path of an iCalendar (.ics) file");
  }

  @Test
  void aFreezeSentBySignalCanBeCheckedOnItsOwn() {
    assertThat(DeploymentWindowPolicies.freezeProblems(
        new Freeze("2026-03-25T12:00", "2026-03-25T14:00", "incident"), "Europe/Berlin", "freeze")).isEmpty();
    assertThat(DeploymentWindowPolicies.freezeProblems(
        new Freeze("2026-03-25T14:00", "2026-03-25T12:00", "incident"), "Europe/Berlin", "freeze"))
        .singleElement().asString().startsWith("freeze: to '2026-03-25T12:00' is not after");
  }

  @Test
  void localFreezeBoundsAreReadInThePolicyZoneAndDatesAreInclusive() {
    Freeze yearEnd = new Freeze("2026-12-21", "2027-01-04", null);
    Freeze evening = new Freeze("2026-03-25T18:00", "2026-03-25 20:30", null);
    Freeze instants = new Freeze("2026-03-25T17:00:00Z", "2026-03-25T20:30+01:00", null);

    assertThat(DeploymentWindowPolicies.freezeStart(yearEnd, BERLIN)).isEqualTo("2026-12-20T23:00:00Z");
    assertThat(DeploymentWindowPolicies.freezeEnd(yearEnd, BERLIN)).isEqualTo("2027-01-04T23:00:00Z");
    assertThat(DeploymentWindowPolicies.freezeStart(evening, BERLIN)).isEqualTo("2026-03-25T17:00:00Z");
    assertThat(DeploymentWindowPolicies.freezeEnd(evening, BERLIN)).isEqualTo("2026-03-25T19:30:00Z");
    assertThat(DeploymentWindowPolicies.freezeStart(instants, ZoneId.of("Asia/Tokyo")))
        .isEqualTo("2026-03-25T17:00:00Z");
    assertThat(DeploymentWindowPolicies.freezeEnd(instants, ZoneId.of("Asia/Tokyo")))
        .isEqualTo("2026-03-25T19:30:00Z");
  }

  @Test
  void daysAcceptNamesAbbreviationsAndWrappingRanges() {
    assertThat(DeploymentWindowPolicies.days(List.of("MON-FRI")))
        .containsExactly(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY, DayOfWeek.THURSDAY,
            DayOfWeek.FRIDAY);
    assertThat(DeploymentWindowPolicies.days(List.of("fri-mon")))
        .containsExactlyInAnyOrder(DayOfWeek.FRIDAY, DayOfWeek.SATURDAY, DayOfWeek.SUNDAY, DayOfWeek.MONDAY);
    assertThat(DeploymentWindowPolicies.days(List.of("Wednesday", " sun ")))
        .containsExactlyInAnyOrder(DayOfWeek.WEDNESDAY, DayOfWeek.SUNDAY);
    assertThatThrownBy(() -> DeploymentWindowPolicies.days(List.of("MO")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'MO' is not a day");
  }

  @Test
  void windowsAreDescribedForPeople() {
    assertThat(DeploymentWindowPolicies.describe(OFFICE_HOURS)).isEqualTo("Mon-Fri 09:00-17:00");
    assertThat(DeploymentWindowPolicies.describe(new WeeklyWindow(List.of("FRI-MON"), "22:00", "02:00")))
        .isEqualTo("Mon,Fri-Sun 22:00-02:00");
    assertThat(DeploymentWindowPolicies.describeDays(
        EnumSet.of(DayOfWeek.MONDAY, DayOfWeek.WEDNESDAY, DayOfWeek.FRIDAY))).isEqualTo("Mon,Wed,Fri");
  }

  @Test
  void aSkippedWallClockTimeBecomesTheMomentTheClockJumpsAndARepeatedOneTheFirstTime() {
    // Berlin, 2026-03-29: 02:00 CET -> 03:00 CEST; 2026-10-25: 03:00 CEST -> 02:00 CET
    assertThat(DeploymentWindowPolicies.instantOf(LocalDateTime.parse("2026-03-29T02:30"), BERLIN))
        .isEqualTo(Instant.parse("2026-03-29T01:00:00Z"));
    assertThat(DeploymentWindowPolicies.instantOf(LocalDateTime.parse("2026-10-25T02:30"), BERLIN))
        .isEqualTo(Instant.parse("2026-10-25T00:30:00Z"));
    assertThat(DeploymentWindowPolicies.instantOf(LocalDateTime.parse("2026-07-01T09:00"), BERLIN))
        .isEqualTo(Instant.parse("2026-07-01T07:00:00Z"));
  }

  @Test
  void timesAreStrictHhMm() {
    assertThat(DeploymentWindowPolicies.minuteOfDay("00:00", false)).isZero();
    assertThat(DeploymentWindowPolicies.minuteOfDay("23:59", false)).isEqualTo(23 * 60 + 59);
    assertThat(DeploymentWindowPolicies.minuteOfDay("24:00", true)).isEqualTo(DeploymentWindowPolicies.END_OF_DAY);
    assertThatThrownBy(() -> DeploymentWindowPolicies.minuteOfDay("24:00", false))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DeploymentWindowPolicies.minuteOfDay("12:60", true))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DeploymentWindowPolicies.minuteOfDay("540", true))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
