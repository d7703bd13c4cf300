package dev.gantry.activities.window;

import static dev.gantry.workflows.api.window.DeploymentWindowPolicies.END_OF_DAY;

import dev.gantry.workflows.api.window.DeploymentWindowPolicies;
import dev.gantry.workflows.api.window.DeploymentWindowPolicy;
import dev.gantry.workflows.api.window.Freeze;
import dev.gantry.workflows.api.window.WeeklyWindow;
import dev.gantry.workflows.api.window.WindowDecision;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Decides whether a {@link DeploymentWindowPolicy} is open at an instant and, if not, when it opens
 * next. Pure: no clock, no I/O (holidays come in as {@link Blackout}s already read from calendars).
 *
 * <p>Every weekly occurrence is computed from wall-clock times in the policy's zone with
 * {@link DeploymentWindowPolicies#instantOf}, so a 09:00-17:00 window is 09:00-17:00 local time on
 * both sides of a daylight saving change. The next opening is found by stepping through the instants
 * at which the state can change from closed to open (window starts, freeze and holiday ends) up to
 * {@link #HORIZON} ahead, and taking the first one that is open.
 */
public final class WindowCalculator {

  /** How far ahead the next opening is searched. */
  public static final Duration HORIZON = Duration.ofDays(366);

  private static final DateTimeFormatter LOCAL =
      DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm z", Locale.ENGLISH);

  /** A span in which deployments are blocked, e.g. one occurrence of a holiday; end exclusive. */
  public record Blackout(Instant start, Instant end, String label) {
    boolean contains(Instant t) {
      return !t.isBefore(start) && t.isBefore(end);
    }
  }

  private record Span(Instant start, Instant end, String label) {
    boolean contains(Instant t) {
      return !t.isBefore(start) && t.isBefore(end);
    }
  }

  /** The first instant for which {@code blackouts} must be supplied when judging {@code at}. */
  public static Instant searchStart(Instant at) {
    return at.minus(Duration.ofDays(1));
  }

  /** The last instant for which {@code blackouts} must be supplied when judging {@code at}. */
  public static Instant searchEnd(Instant at) {
    return at.plus(HORIZON).plus(Duration.ofDays(1));
  }

  /**
   * @param policy       a valid policy (see {@link DeploymentWindowPolicies#problems})
   * @param at           the instant to judge
   * @param extraFreezes freezes added at run time; nullable
   * @param blackouts    further blocked spans, e.g. holidays, covering at least
   *                     [{@link #searchStart}, {@link #searchEnd}]
   */
  public WindowDecision evaluate(
      DeploymentWindowPolicy policy, Instant at, List<Freeze> extraFreezes, List<Blackout> blackouts) {
    ZoneId zone = DeploymentWindowPolicies.zone(policy.timeZone());
    Instant until = at.plus(HORIZON);
    LocalDate firstDay = at.atZone(zone).toLocalDate().minusDays(1);
    LocalDate lastDay = until.atZone(zone).toLocalDate().plusDays(1);

    List<WeeklyWindow> allowedWindows = orEmpty(policy.allowed());
    boolean restricted = !allowedWindows.isEmpty();
    List<Span> allowed = new ArrayList<>();
    for (WeeklyWindow window : allowedWindows) {
      allowed.addAll(occurrences(window, zone, firstDay, lastDay,
          DeploymentWindowPolicies.describe(window) + " " + zone.getId()));
    }

    List<Blackout> blocked = new ArrayList<>();
    for (Freeze freeze : orEmpty(policy.freezes())) {
      blocked.add(freeze(freeze, zone, "freeze"));
    }
    for (Freeze freeze : orEmpty(extraFreezes)) {
      blocked.add(freeze(freeze, zone, "run-time freeze"));
    }
    for (WeeklyWindow window : orEmpty(policy.recurringFreezes())) {
      String label = "recurring freeze " + DeploymentWindowPolicies.describe(window);
      for (Span span : occurrences(window, zone, firstDay, lastDay, label)) {
        blocked.add(new Blackout(span.start(), span.end(), label));
      }
    }
    blocked.addAll(orEmpty(blackouts));

    Predicate<Instant> isOpen = t -> (!restricted || allowed.stream().anyMatch(s -> s.contains(t)))
        && blocked.stream().noneMatch(b -> b.contains(t));

    if (isOpen.test(at)) {
      String inside = restricted
          ? "inside " + allowed.stream().filter(s -> s.contains(at)).findFirst().orElseThrow().label()
          : "no weekly windows (" + zone.getId() + "), no freeze or holiday now";
      TreeSet<Instant> closings = new TreeSet<>();
      if (restricted) {
        allowed.forEach(s -> closings.add(s.end()));
      }
      blocked.forEach(b -> closings.add(b.start()));
      Instant closes = firstAfter(closings, at, until, isOpen.negate());
      String reason = "open: " + inside;
      if (closes != null) {
        List<String> why = blocked.stream().filter(b -> b.contains(closes)).map(Blackout::label).toList();
        reason += "; closes " + local(closes, zone)
            + " (" + (why.isEmpty() ? "end of window" : String.join(", ", why)) + ")";
      }
      return new WindowDecision(true, reason, null, null);
    }

    List<String> reasons = new ArrayList<>();
    if (restricted && allowed.stream().noneMatch(s -> s.contains(at))) {
      reasons.add("outside " + allowedWindows.stream().map(DeploymentWindowPolicies::describe)
          .collect(Collectors.joining(" or ")) + " " + zone.getId());
    }
    blocked.stream().filter(b -> b.contains(at))
        .forEach(b -> reasons.add(b.label() + " until " + local(b.end(), zone)));

    TreeSet<Instant> openings = new TreeSet<>();
    allowed.forEach(s -> openings.add(s.start()));
    blocked.forEach(b -> openings.add(b.end()));
    Instant next = firstAfter(openings, at, until, isOpen);
    return new WindowDecision(false, String.join("; ", reasons),
        next == null ? null : next.toEpochMilli(),
        next == null ? "no opening within " + HORIZON.toDays() + " days"
            : local(next, zone) + " (" + next + ")");
  }

  private static Instant firstAfter(TreeSet<Instant> candidates, Instant at, Instant until,
      Predicate<Instant> wanted) {
    for (Instant candidate : candidates.tailSet(at, false)) {
      if (candidate.isAfter(until)) {
        return null;
      }
      if (wanted.test(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  /** The occurrences of a weekly window that start on a day in [firstDay, lastDay]. */
  private static List<Span> occurrences(
      WeeklyWindow window, ZoneId zone, LocalDate firstDay, LocalDate lastDay, String label) {
    Set<DayOfWeek> days = DeploymentWindowPolicies.days(window.days());
    int from = DeploymentWindowPolicies.minuteOfDay(window.from(), false);
    int to = DeploymentWindowPolicies.minuteOfDay(window.to(), true);
    List<Span> spans = new ArrayList<>();
    for (LocalDate day = firstDay; !day.isAfter(lastDay); day = day.plusDays(1)) {
      if (!days.contains(day.getDayOfWeek())) {
        continue;
      }
      Instant start = DeploymentWindowPolicies.instantOf(wallClock(day, from), zone);
      LocalDate endDay = to <= from ? day.plusDays(1) : day; // 24:00 and crossing midnight
      Instant end = DeploymentWindowPolicies.instantOf(wallClock(endDay, to), zone);
      if (end.isAfter(start)) {
        spans.add(new Span(start, end, label));
      }
    }
    return spans;
  }

  private static LocalDateTime wallClock(LocalDate day, int minuteOfDay) {
    return minuteOfDay == END_OF_DAY
        ? day.plusDays(1).atStartOfDay()
        : day.atTime(LocalTime.of(minuteOfDay / 60, minuteOfDay % 60));
  }

  private static Blackout freeze(Freeze freeze, ZoneId zone, String kind) {
    String label = freeze.reason() == null || freeze.reason().isBlank()
        ? kind + " " + freeze.from() + ".." + freeze.to()
        : kind + " '" + freeze.reason() + "'";
    return new Blackout(DeploymentWindowPolicies.freezeStart(freeze, zone),
        DeploymentWindowPolicies.freezeEnd(freeze, zone), label);
  }

  static String local(Instant instant, ZoneId zone) {
    return LOCAL.format(instant.atZone(zone));
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
