package dev.gantry.activities.window;

import dev.gantry.activities.window.WindowCalculator.Blackout;
import dev.gantry.workflows.api.window.DeploymentWindowPolicies;
import dev.gantry.activities.support.BoundedFiles;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.StringReader;
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
 *
 * <p>The path is configuration, so the file is read as hostile: at most {@link #MAX_CALENDAR_BYTES}, a
 * regular file only, and a failure names the file, the line or the event's number, never the file's text
 * (ical4j's messages quote it, so neither they nor their exceptions are passed on). An event's summary
 * becomes part of a blackout's label, cleaned to one short line of printable characters.
 */
public final class HolidayCalendar {
  /** Years of public holidays fit in a few kilobytes; a calendar above this is not one. */
  static final long MAX_CALENDAR_BYTES = 4 * BoundedFiles.MIB;
  private static final int MAX_SUMMARY_CHARS = 64;
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
      throw invalid(path, "is not a valid path");
    }
    String text;
    try {
      text = BoundedFiles.readString(file, MAX_CALENDAR_BYTES);
    } catch (IOException e) {
      throw invalid(path, BoundedFiles.describe(e));
    }
    Calendar calendar;
    try {
      calendar = new CalendarBuilder().build(new StringReader(text));
    } catch (ParserException e) {
      throw invalid(path, "is not valid iCalendar" + (e.getLineNo() > 0 ? " at line " + e.getLineNo() : ""));
    } catch (IOException | RuntimeException e) {
      throw invalid(path, "is not valid iCalendar (" + e.getClass().getSimpleName() + ")");
    }
    List<VEvent> events = new ArrayList<>();
    for (Component component : calendar.getComponents(Component.VEVENT)) {
      VEvent event = (VEvent) component;
      if (event.getProperty(Property.DTSTART).isEmpty()) {
        throw invalid(path, "event " + (events.size() + 1) + " has no DTSTART");
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
    for (int index = 0; index < events.size(); index++) {
      VEvent event = events.get(index);
      if (event.getProperty(Property.STATUS)
          .map(status -> "CANCELLED".equalsIgnoreCase(status.getValue())).orElse(false)) {
        continue;
      }
      String label = "holiday '" + summary(event) + "' (" + printable(fileName) + ")";
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
        throw invalid(path, "event " + (index + 1) + " cannot be expanded (" + e.getClass().getSimpleName() + ")");
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

  /**
   * The event's summary as a label may show it: letters, digits, punctuation and spaces (any script, so
   * "Heilige Drei Könige" stays), no control or format characters, at most 64 characters.
   */
  static String summary(VEvent event) {
    String summary = event.getProperty(Property.SUMMARY).map(Property::getValue).orElse("");
    StringBuilder shown = new StringBuilder();
    summary.strip().codePoints().limit(MAX_SUMMARY_CHARS).forEach(c -> shown.appendCodePoint(
        Character.isLetterOrDigit(c) || c == ' ' || (c < 0x7f && c > 0x20) ? c : '?'));
    return shown.isEmpty() ? "(no summary)" : shown.toString().replace("'", "?");
  }

  /** A path from configuration as messages show it: a newline in it cannot forge a line. */
  private static String printable(String path) {
    return path.replaceAll("\\p{Cntrl}", "?");
  }

  /** No cause: ical4j's exceptions quote the file, and a cause travels with the failure to the status. */
  private static ApplicationFailure invalid(String path, String problem) {
    return ApplicationFailure.newNonRetryableFailure(
        "holiday calendar " + printable(path) + " " + problem + "; fix or remove it in the"
            + " environment's window.holidayCalendars (the window gate fails closed on a broken calendar)",
        DeploymentWindowPolicies.INVALID_WINDOW_POLICY);
  }
}
