package dev.gantry.activities.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gantry.workflows.api.window.DeploymentWindowPolicies;
import dev.gantry.workflows.api.window.DeploymentWindowPolicy;
import dev.gantry.workflows.api.window.Freeze;
import dev.gantry.workflows.api.window.WeeklyWindow;
import dev.gantry.workflows.api.window.WindowCheckRequest;
import dev.gantry.workflows.api.window.WindowDecision;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WindowCalculatorTest {
  private static final String BERLIN = "Europe/Berlin";
  private static final WeeklyWindow OFFICE_HOURS = new WeeklyWindow(List.of("MON-FRI"), "09:00", "17:00");

  @TempDir
  Path tmp;

  private final WindowCalculator calculator = new WindowCalculator();
  private final DeploymentWindowActivitiesImpl activities = new DeploymentWindowActivitiesImpl();

  // ---- weekly windows -------------------------------------------------------------------------

  @Test
  void insideMonToFriOfficeHoursTheWindowIsOpenAndSaysUntilWhen() {
    WindowDecision wednesday = evaluate(officeHours(), berlin("2026-03-25T10:00"));

    assertThat(wednesday.open()).isTrue();
    assertThat(wednesday.reason())
        .isEqualTo("open: inside Mon-Fri 09:00-17:00 Europe/Berlin; closes Wed 2026-03-25 17:00 CET (end of window)");
    assertThat(wednesday.nextOpenEpochMillis()).isNull();
    assertThat(wednesday.nextOpenDescription()).isNull();
  }

  @Test
  void theWindowIncludesItsStartAndExcludesItsEnd() {
    assertThat(evaluate(officeHours(), berlin("2026-03-25T08:59")).open()).isFalse();
    assertThat(evaluate(officeHours(), berlin("2026-03-25T09:00")).open()).isTrue();
    assertThat(evaluate(officeHours(), berlin("2026-03-25T16:59")).open()).isTrue();

    WindowDecision atFive = evaluate(officeHours(), berlin("2026-03-25T17:00"));
    assertThat(atFive.open()).isFalse();
    assertThat(atFive.nextOpenEpochMillis()).isEqualTo(berlin("2026-03-26T09:00").toEpochMilli());
  }

  @Test
  void fridayEveningWaitsForMondayNineLocal() {
    WindowDecision friday = evaluate(officeHours(), berlin("2026-03-20T17:30"));

    assertThat(friday.open()).isFalse();
    assertThat(friday.reason()).isEqualTo("outside Mon-Fri 09:00-17:00 Europe/Berlin");
    assertThat(Instant.ofEpochMilli(friday.nextOpenEpochMillis()))
        .isEqualTo(Instant.parse("2026-03-23T08:00:00Z"));
    assertThat(friday.nextOpenDescription()).isEqualTo("Mon 2026-03-23 09:00 CET (2026-03-23T08:00:00Z)");
  }

  @Test
  void acrossTheSpringForwardChangeMondayNineIsNineSummerTime() {
    // Sunday 2026-03-29 02:00 CET -> 03:00 CEST
    WindowDecision saturday = evaluate(officeHours(), Instant.parse("2026-03-28T11:00:00Z"));

    assertThat(saturday.open()).isFalse();
    assertThat(Instant.ofEpochMilli(saturday.nextOpenEpochMillis()))
        .isEqualTo(Instant.parse("2026-03-30T07:00:00Z"));
    assertThat(saturday.nextOpenDescription()).isEqualTo("Mon 2026-03-30 09:00 CEST (2026-03-30T07:00:00Z)");
  }

  @Test
  void acrossTheFallBackChangeMondayNineIsNineWinterTime() {
    // Sunday 2026-10-25 03:00 CEST -> 02:00 CET
    WindowDecision saturday = evaluate(officeHours(), Instant.parse("2026-10-24T10:00:00Z"));

    assertThat(Instant.ofEpochMilli(saturday.nextOpenEpochMillis()))
        .isEqualTo(Instant.parse("2026-10-26T08:00:00Z"));
    assertThat(saturday.nextOpenDescription()).isEqualTo("Mon 2026-10-26 09:00 CET (2026-10-26T08:00:00Z)");
    // and the window still closes at 17:00 local on the Friday before the change (CEST)
    assertThat(evaluate(officeHours(), Instant.parse("2026-10-23T14:59:00Z")).open()).isTrue();
    assertThat(evaluate(officeHours(), Instant.parse("2026-10-23T15:00:00Z")).open()).isFalse();
  }

  @Test
  void aWindowStartingInTheSkippedHourOpensWhenTheClockJumpsPastIt() {
    // 02:30 does not exist on 2026-03-29 in Berlin: the clock goes 01:59:59 CET -> 03:00:00 CEST
    DeploymentWindowPolicy nightly = policy(List.of(new WeeklyWindow(List.of("SUN"), "02:30", "04:00")));

    WindowDecision before = evaluate(nightly, Instant.parse("2026-03-29T00:30:00Z")); // 01:30 CET

    assertThat(before.open()).isFalse();
    assertThat(Instant.ofEpochMilli(before.nextOpenEpochMillis()))
        .isEqualTo(Instant.parse("2026-03-29T01:00:00Z")); // 03:00 CEST
    assertThat(evaluate(nightly, Instant.parse("2026-03-29T01:59:00Z")).open()).isTrue(); // 03:59 CEST
    assertThat(evaluate(nightly, Instant.parse("2026-03-29T02:00:00Z")).open()).isFalse(); // 04:00 CEST
  }

  @Test
  void aWindowStartingInTheRepeatedHourOpensTheFirstTimeAndEndsAtFourWinterTime() {
    // 02:30 happens twice on 2026-10-25 in Berlin: 00:30Z (CEST) and 01:30Z (CET)
    DeploymentWindowPolicy nightly = policy(List.of(new WeeklyWindow(List.of("SUN"), "02:30", "04:00")));

    WindowDecision before = evaluate(nightly, Instant.parse("2026-10-25T00:00:00Z")); // 02:00 CEST

    assertThat(Instant.ofEpochMilli(before.nextOpenEpochMillis()))
        .isEqualTo(Instant.parse("2026-10-25T00:30:00Z"));
    assertThat(evaluate(nightly, Instant.parse("2026-10-25T02:59:00Z")).open()).isTrue(); // 03:59 CET
    assertThat(evaluate(nightly, Instant.parse("2026-10-25T03:00:00Z")).open()).isFalse(); // 04:00 CET
  }

  @Test
  void aWindowCrossingMidnightBelongsToTheDayItStarts() {
    DeploymentWindowPolicy nights = policy(List.of(new WeeklyWindow(List.of("MON-FRI"), "22:00", "02:00")));

    assertThat(evaluate(nights, berlin("2026-03-20T21:59")).open()).isFalse(); // Fri
    assertThat(evaluate(nights, berlin("2026-03-20T23:30")).open()).isTrue();
    assertThat(evaluate(nights, berlin("2026-03-21T01:30")).open()).as("Sat 01:30, Friday's night")
        .isTrue();
    WindowDecision saturdayTwo = evaluate(nights, berlin("2026-03-21T02:00"));
    assertThat(saturdayTwo.open()).isFalse();
    assertThat(saturdayTwo.reason()).isEqualTo("outside Mon-Fri 22:00-02:00 Europe/Berlin");
    assertThat(evaluate(nights, berlin("2026-03-21T23:00")).open()).as("Saturday night").isFalse();
    WindowDecision mondayOne = evaluate(nights, berlin("2026-03-23T01:00"));
    assertThat(mondayOne.open()).as("Sunday night is not a window").isFalse();
    assertThat(mondayOne.nextOpenEpochMillis()).isEqualTo(berlin("2026-03-23T22:00").toEpochMilli());
  }

  @Test
  void withoutAllowedWindowsItIsAlwaysOpen() {
    WindowDecision open = evaluate(policy(List.of()), berlin("2026-03-22T03:00"));

    assertThat(open.open()).isTrue();
    assertThat(open.reason()).isEqualTo("open: no weekly windows (Europe/Berlin), no freeze or holiday now");
  }

  // ---- freezes --------------------------------------------------------------------------------

  @Test
  void aFreezeInTheMiddleOfAWindowClosesItUntilTheFreezeEnds() {
    DeploymentWindowPolicy policy = new DeploymentWindowPolicy(BERLIN, List.of(OFFICE_HOURS),
        List.of(new Freeze("2026-03-25T12:00", "2026-03-25T14:00", "db-migration")), null, null);

    WindowDecision before = evaluate(policy, berlin("2026-03-25T11:00"));
    WindowDecision during = evaluate(policy, berlin("2026-03-25T13:00"));

    assertThat(before.open()).isTrue();
    assertThat(before.reason()).endsWith("; closes Wed 2026-03-25 12:00 CET (freeze 'db-migration')");
    assertThat(during.open()).isFalse();
    assertThat(during.reason()).isEqualTo("freeze 'db-migration' until Wed 2026-03-25 14:00 CET");
    assertThat(during.nextOpenEpochMillis()).isEqualTo(berlin("2026-03-25T14:00").toEpochMilli());
    assertThat(evaluate(policy, berlin("2026-03-25T14:00")).open()).isTrue();
  }

  @Test
  void aFreezeByDatesIncludesItsLastDayAndTheNextOpeningIsInsideAWindow() {
    DeploymentWindowPolicy policy = new DeploymentWindowPolicy(BERLIN, List.of(OFFICE_HOURS),
        List.of(new Freeze("2026-12-21", "2027-01-04", "year-end")), null, null);

    WindowDecision lastDay = evaluate(policy, berlin("2027-01-04T10:00"));

    assertThat(lastDay.open()).isFalse();
    assertThat(lastDay.reason()).isEqualTo("freeze 'year-end' until Tue 2027-01-05 00:00 CET");
    // the freeze ends at midnight, but the window opens at nine
    assertThat(lastDay.nextOpenEpochMillis()).isEqualTo(berlin("2027-01-05T09:00").toEpochMilli());
    assertThat(evaluate(policy, berlin("2026-12-18T16:00")).open()).as("Friday before").isTrue();
  }

  @Test
  void aFreezeGivenAsAnInstantIsThatInstantWhateverTheZone() {
    DeploymentWindowPolicy policy = new DeploymentWindowPolicy(BERLIN, List.of(OFFICE_HOURS),
        List.of(new Freeze("2026-03-25T10:00:00Z", "2026-03-25T12:30+01:00", null)), null, null);

    assertThat(evaluate(policy, Instant.parse("2026-03-25T09:59:00Z")).open()).isTrue();
    WindowDecision during = evaluate(policy, Instant.parse("2026-03-25T10:00:00Z"));
    assertThat(during.open()).isFalse();
    assertThat(during.reason())
        .isEqualTo("freeze 2026-03-25T10:00:00Z..2026-03-25T12:30+01:00 until Wed 2026-03-25 12:30 CET");
    assertThat(during.nextOpenEpochMillis()).isEqualTo(Instant.parse("2026-03-25T11:30:00Z").toEpochMilli());
  }

  @Test
  void aRecurringFridayAfternoonFreezeWinsOverTheWindow() {
    DeploymentWindowPolicy policy = new DeploymentWindowPolicy(BERLIN, List.of(OFFICE_HOURS), null,
        List.of(new WeeklyWindow(List.of("FRI"), "15:00", "24:00")), null);

    WindowDecision beforeThree = evaluate(policy, berlin("2026-03-20T14:59"));
    WindowDecision atThree = evaluate(policy, berlin("2026-03-20T15:00"));

    assertThat(beforeThree.reason()).endsWith("; closes Fri 2026-03-20 15:00 CET (recurring freeze Fri 15:00-24:00)");
    assertThat(atThree.open()).isFalse();
    assertThat(atThree.reason()).isEqualTo("recurring freeze Fri 15:00-24:00 until Sat 2026-03-21 00:00 CET");
    // Saturday 00:00 ends the freeze but is outside the window: the next opening is Monday nine
    assertThat(atThree.nextOpenEpochMillis()).isEqualTo(berlin("2026-03-23T09:00").toEpochMilli());
    assertThat(evaluate(policy, berlin("2026-03-19T16:00")).open()).as("Thursday").isTrue();
  }

  @Test
  void extraFreezesAddedAtRunTimeAreHonoured() {
    Instant wednesday = berlin("2026-03-25T10:00");
    Freeze incident = new Freeze("2026-03-25T09:30", "2026-03-26T12:00", "incident 4711");

    WindowDecision without = activities.evaluate(new WindowCheckRequest("production", officeHours(),
        wednesday.toEpochMilli(), null));
    WindowDecision with = activities.evaluate(new WindowCheckRequest("production", officeHours(),
        wednesday.toEpochMilli(), List.of(incident)));

    assertThat(without.open()).isTrue();
    assertThat(with.open()).isFalse();
    assertThat(with.reason()).isEqualTo("run-time freeze 'incident 4711' until Thu 2026-03-26 12:00 CET");
    assertThat(with.nextOpenEpochMillis()).isEqualTo(berlin("2026-03-26T12:00").toEpochMilli());
  }

  @Test
  void everyReasonIsGivenAndNoOpeningWithin366DaysIsSaid() {
    DeploymentWindowPolicy policy = new DeploymentWindowPolicy(BERLIN, List.of(OFFICE_HOURS),
        List.of(new Freeze("2026-03-01", "2028-01-01", "moratorium")), null, null);

    WindowDecision sunday = evaluate(policy, berlin("2026-03-22T12:00"));

    assertThat(sunday.open()).isFalse();
    assertThat(sunday.reason()).isEqualTo("outside Mon-Fri 09:00-17:00 Europe/Berlin;"
        + " freeze 'moratorium' until Sun 2028-01-02 00:00 CET");
    assertThat(sunday.nextOpenEpochMillis()).isNull();
    assertThat(sunday.nextOpenDescription()).isEqualTo("no opening within 366 days");
  }

  // ---- holiday calendars ----------------------------------------------------------------------

  @Test
  void aYearlyAllDayHolidayFromAnIcsFileBlocksItsLocalDay() throws IOException {
    Path ics = write("de-holidays.ics", calendar(
        allDay("xmas@gantry.dev", "20201225", "20201226", "FREQ=YEARLY", "Christmas Day")));
    DeploymentWindowPolicy policy = new DeploymentWindowPolicy(BERLIN, List.of(OFFICE_HOURS), null, null,
        List.of(ics.toString()));

    WindowDecision christmas = evaluateWithCalendars(policy, berlin("2026-12-25T10:00")); // a Friday

    assertThat(christmas.open()).isFalse();
    assertThat(christmas.reason())
        .isEqualTo("holiday 'Christmas Day' (de-holidays.ics) until Sat 2026-12-26 00:00 CET");
    assertThat(christmas.nextOpenDescription()).isEqualTo("Mon 2026-12-28 09:00 CET (2026-12-28T08:00:00Z)");
    assertThat(evaluateWithCalendars(policy, berlin("2026-12-24T16:59")).open()).isTrue();
    assertThat(evaluateWithCalendars(policy, berlin("2026-12-28T09:00")).open()).isTrue();
    // the rule repeats: Christmas 2028 is a Monday
    assertThat(evaluateWithCalendars(policy, berlin("2028-12-25T10:00")).open()).isFalse();
  }

  @Test
  void holidaysChainAndTimedEventsBlockTheirInterval() throws IOException {
    Path ics = write("holidays.ics", calendar(
        allDay("xmas@gantry.dev", "20201225", "20201226", "FREQ=YEARLY", "Christmas Day"),
        allDay("boxing@gantry.dev", "20201226", null, "FREQ=YEARLY", "Boxing Day"),
        """
        BEGIN:VEVENT
        UID:party@gantry.dev
        DTSTAMP:20260101T000000Z
        DTSTART;TZID=Europe/Berlin:20261030T140000
        DTEND;TZID=Europe/Berlin:20261030T180000
        SUMMARY:Office party
        END:VEVENT
        """));
    DeploymentWindowPolicy alwaysButHolidays = new DeploymentWindowPolicy(BERLIN, null, null, null,
        List.of(ics.toString()));

    WindowDecision christmas = evaluateWithCalendars(alwaysButHolidays, berlin("2026-12-25T10:00"));
    WindowDecision party = evaluateWithCalendars(alwaysButHolidays, berlin("2026-10-30T13:59"));
    WindowDecision duringParty = evaluateWithCalendars(alwaysButHolidays, berlin("2026-10-30T14:00"));

    assertThat(christmas.nextOpenEpochMillis()).as("after Boxing Day")
        .isEqualTo(berlin("2026-12-27T00:00").toEpochMilli());
    assertThat(party.reason()).isEqualTo("open: no weekly windows (Europe/Berlin), no freeze or holiday now;"
        + " closes Fri 2026-10-30 14:00 CET (holiday 'Office party' (holidays.ics))");
    assertThat(duringParty.open()).isFalse();
    assertThat(duringParty.nextOpenEpochMillis()).isEqualTo(berlin("2026-10-30T18:00").toEpochMilli());
  }

  @Test
  void aMalformedCalendarFailsClosedNamingTheFile() throws IOException {
    Path ics = write("broken.ics", """
        BEGIN:VCALENDAR
        VERSION:2.0
        PRODID:-//Gantry//Test//EN
        BEGIN:VEVENT
        UID:1@gantry.dev
        DTSTAMP:20260101T000000Z
        DTSTART;VALUE=DATE:2026122
        SUMMARY:Broken
        END:VEVENT
        END:VCALENDAR
        """);
    DeploymentWindowPolicy policy = new DeploymentWindowPolicy(BERLIN, List.of(OFFICE_HOURS), null, null,
        List.of(ics.toString()));

    ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class,
        () -> evaluateWithCalendars(policy, berlin("2026-03-25T10:00")));

    assertThat(failure).isNotNull();
    assertThat(failure.getType()).isEqualTo("InvalidWindowPolicy");
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).contains(ics.toString()).contains("line 7")
        .as("the file's text is not quoted").doesNotContain("2026122");
  }

  /** The attack: a holiday calendar path pointed at a file of secrets, and the error quoted it. */
  @Test
  void aCalendarPathToAFileOfSecretsFailsClosedWithoutQuotingIt() throws IOException {
    Path shadow = write("shadow", "root:$6$SECRETHASH:19000:0:99999:7:::\nAWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI\n");
    Path sneaky = write("sneaky.ics", calendar("""
        BEGIN:VEVENT
        UID:token-wJalrXUtnFEMI@x
        DTSTAMP:20200101T000000Z
        SUMMARY:SECRETHASH
        RRULE:FREQ=NOPE
        END:VEVENT
        """));

    for (Path file : List.of(shadow, sneaky, Path.of("/dev/zero"))) {
      DeploymentWindowPolicy policy = new DeploymentWindowPolicy(BERLIN, null, null, null, List.of(file.toString()));
      ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class,
          () -> evaluateWithCalendars(policy, berlin("2026-03-25T10:00")));

      assertThat(failure).as(file.toString()).isNotNull();
      assertThat(failure.isNonRetryable()).isTrue();
      assertThat(failure.getOriginalMessage()).contains(file.toString()).doesNotContain("SECRETHASH")
          .doesNotContain("wJalrXUtnFEMI").doesNotContain("root:");
      assertThat(failure.getCause()).as("no parser exception travels along").isNull();
    }
  }

  @Test
  void aMissingCalendarFailsClosedToo() {
    String missing = tmp.resolve("nope.ics").toString();
    DeploymentWindowPolicy policy = new DeploymentWindowPolicy(BERLIN, null, null, null, List.of(missing));

    ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class,
        () -> evaluateWithCalendars(policy, berlin("2026-03-25T10:00")));

    assertThat(failure.getType()).isEqualTo(DeploymentWindowPolicies.INVALID_WINDOW_POLICY);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).contains(missing).contains("does not exist");
  }

  @Test
  void anInvalidPolicyOrExtraFreezeIsRefusedNonRetryably() {
    DeploymentWindowPolicy badZone = new DeploymentWindowPolicy("Europe/Berln", List.of(OFFICE_HOURS),
        null, null, null);

    ApplicationFailure zone = catchThrowableOfType(ApplicationFailure.class, () -> activities.evaluate(
        new WindowCheckRequest("production", badZone, 0L, null)));
    ApplicationFailure freeze = catchThrowableOfType(ApplicationFailure.class, () -> activities.evaluate(
        new WindowCheckRequest("production", officeHours(), 0L, List.of(new Freeze("soon", null, "x")))));

    assertThat(List.of(zone, freeze)).allSatisfy(f -> {
      assertThat(f.getType()).isEqualTo(DeploymentWindowPolicies.INVALID_WINDOW_POLICY);
      assertThat(f.isNonRetryable()).isTrue();
      assertThat(f.getOriginalMessage()).contains("environment 'production'");
    });
    assertThat(zone.getOriginalMessage()).contains("window.timeZone").contains("'Europe/Berln'");
    assertThat(freeze.getOriginalMessage()).contains("extraFreezes[0].from").contains("'soon'")
        .contains("extraFreezes[0].to is missing");
  }

  @Test
  void noPolicyMeansOpen() {
    WindowDecision decision = activities.evaluate(new WindowCheckRequest("dev", null, 0L, null));

    assertThat(decision.open()).isTrue();
    assertThat(decision.nextOpenEpochMillis()).isNull();
  }

  // ---- helpers --------------------------------------------------------------------------------

  private static DeploymentWindowPolicy officeHours() {
    return policy(List.of(OFFICE_HOURS));
  }

  private static DeploymentWindowPolicy policy(List<WeeklyWindow> allowed) {
    return new DeploymentWindowPolicy(BERLIN, allowed, null, null, null);
  }

  private WindowDecision evaluate(DeploymentWindowPolicy policy, Instant at) {
    assertThat(DeploymentWindowPolicies.problems(policy)).as("test policies are valid unless said").isEmpty();
    return calculator.evaluate(policy, at, null, List.of());
  }

  private WindowDecision evaluateWithCalendars(DeploymentWindowPolicy policy, Instant at) {
    return activities.evaluate(new WindowCheckRequest("production", policy, at.toEpochMilli(), null));
  }

  private static Instant berlin(String localDateTime) {
    return LocalDateTime.parse(localDateTime).atZone(ZoneId.of(BERLIN)).toInstant();
  }

  private Path write(String name, String content) throws IOException {
    Path file = tmp.resolve(name);
    Files.writeString(file, content.replace("\n", "\r\n"));
    return file;
  }

  private static String calendar(String... events) {
    return "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Gantry//Test//EN\n" + String.join("", events)
        + "END:VCALENDAR\n";
  }

  private static String allDay(String uid, String start, String end, String rrule, String summary) {
    return "BEGIN:VEVENT\nUID:" + uid + "\nDTSTAMP:20200101T000000Z\nDTSTART;VALUE=DATE:" + start + "\n"
        + (end == null ? "" : "DTEND;VALUE=DATE:" + end + "\n")
        + (rrule == null ? "" : "RRULE:" + rrule + "\n")
        + "SUMMARY:" + summary + "\nEND:VEVENT\n";
  }
}
