package dev.gantry.activities.window;

import dev.gantry.activities.window.WindowCalculator.Blackout;
import dev.gantry.workflows.api.window.DeploymentWindowPolicies;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.fortuna.ical4j.data.CalendarBuilder;
import net.fortuna.ical4j.data.ParserException;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.Component;
import net.fortuna.ical4j.model.Period;
import net.fortuna.ical4j.model.Property;
import net.fortuna.ical4j.model.component.VEvent;

/**
 * A holiday calendar read from an iCalendar (RFC 5545) file with ical4j. Every VEVENT is a blackout:
 * an all-day event ({@code DTSTART;VALUE=DATE}) blocks its whole day(s) in the policy's zone, a timed
 * event its interval (floating times are read in the policy's zone), a recurring event (RRULE, RDATE,
 * EXDATE) each occurrence. Cancelled events ({@code STATUS:CANCELLED}) block nothing.
 *
 * <p>Fails closed: a file that cannot be read or parsed, or an event that cannot be expanded, throws a
 * non-retryable {@link ApplicationFailure} of type
 * {@link DeploymentWindowPolicies#INVALID_WINDOW_POLICY} naming the file and the problem.
 */
public final class HolidayCalendar {
  private final String path;
  private final String fileName;
  private final List<VEvent> events;

  private HolidayCalendar(String path, String fileName, List<VEvent> events) {
    this.path = path;
    this.fileName = fileName;
    this.events = events;
  }

  /** Reads and parses the file; throws the failure described above when it cannot. */
  public static HolidayCalendar read(String path) {
    Path file;
    try {
      file = Path.of(path);
    } catch (RuntimeException e) {
      throw invalid(path, "is not a valid path: " + e.getMessage(), e);
    }
    Calendar calendar;
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      calendar = new CalendarBuilder().build(reader);
    } catch (NoSuchFileException e) {
      throw invalid(path, "does not exist", e);
    } catch (IOException e) {
      throw invalid(path, "cannot be read: " + e, e);
    } catch (ParserException e) {
      String cause = e.getCause() == null ? null : e.getCause().getMessage();
      throw invalid(path, "is not valid iCalendar: " + e.getMessage()
          + (cause == null || String.valueOf(e.getMessage()).contains(cause) ? "" : " (" + cause + ")"), e);
    } catch (RuntimeException e) {
      throw invalid(path, "is not valid iCalendar: " + e, e);
    }
    List<VEvent> events = new ArrayList<>();
    for (Component component : calendar.getComponents(Component.VEVENT)) {
      VEvent event = (VEvent) component;
      if (event.getProperty(Property.DTSTART).isEmpty()) {
        throw invalid(path, "event " + describe(event) + " has no DTSTART", null);
      }
      events.add(event);
    }
    Path name = file.getFileName();
    return new HolidayCalendar(path, name == null ? path : name.toString(), events);
  }

  /** Number of events (not occurrences) in the file. */
  public int eventCount() {
    return events.size();
  }

  /**
   * The occurrences that overlap [from, to], as blackouts labelled
   * {@code holiday 'Christmas Day' (de-holidays.ics)}.
   */
  public List<Blackout> blackouts(ZoneId zone, Instant from, Instant to) {
    Period<java.time.ZonedDateTime> range = new Period<>(from.atZone(zone), to.atZone(zone));
    List<Blackout> blackouts = new ArrayList<>();
    for (VEvent event : events) {
      if (event.getProperty(Property.STATUS)
          .map(status -> "CANCELLED".equalsIgnoreCase(status.getValue())).orElse(false)) {
        continue;
      }
      String label = "holiday '" + summary(event) + "' (" + fileName + ")";
      Set<Period<Temporal>> occurrences;
      try {
        occurrences = event.calculateRecurrenceSet(range);
        for (Period<Temporal> occurrence : occurrences) {
          Instant start = instantOf(occurrence.getStart(), zone);
          Instant end = instantOf(occurrence.getEnd(), zone);
          if (end.isAfter(start)) {
            blackouts.add(new Blackout(start, end, label));
          }
        }
      } catch (RuntimeException e) {
        throw invalid(path, "event " + describe(event) + " cannot be expanded: " + e, e);
      }
    }
    return blackouts;
  }

  private static Instant instantOf(Temporal temporal, ZoneId zone) {
    if (temporal instanceof LocalDate date) {
      return DeploymentWindowPolicies.instantOf(date.atStartOfDay(), zone);
    }
    if (temporal instanceof LocalDateTime floating) {
      return DeploymentWindowPolicies.instantOf(floating, zone);
    }
    return Instant.from(temporal);
  }

  private static String summary(VEvent event) {
    return event.getProperty(Property.SUMMARY).map(Property::getValue).orElse("(no summary)");
  }

  private static String describe(VEvent event) {
    return "'" + summary(event) + "'"
        + event.getProperty(Property.UID).map(uid -> " (UID " + uid.getValue() + ")").orElse("");
  }

  private static ApplicationFailure invalid(String path, String problem, Throwable cause) {
    return ApplicationFailure.newNonRetryableFailureWithCause(
        "holiday calendar " + path + " " + problem + "; fix or remove it in the environment's"
            + " window.holidayCalendars (the window gate fails closed on a broken calendar)",
        DeploymentWindowPolicies.INVALID_WINDOW_POLICY, cause);
  }
}
