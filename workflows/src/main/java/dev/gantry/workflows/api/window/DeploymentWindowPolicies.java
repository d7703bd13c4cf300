package dev.gantry.workflows.api.window;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validation and the shared reading of {@link DeploymentWindowPolicy} fields: days, wall-clock times,
 * freeze bounds and how a wall-clock time becomes an instant in a zone. Pure {@code java.time}: no
 * clock, no I/O, so workflow code (signal and update validators) may use it too.
 */
public final class DeploymentWindowPolicies {
  private DeploymentWindowPolicies() {}

  /** Failure type of an invalid policy, extra freeze or holiday calendar. Never retried. */
  public static final String INVALID_WINDOW_POLICY = "InvalidWindowPolicy";

  /** Minutes in a day: the value of {@code 24:00}. */
  public static final int END_OF_DAY = 24 * 60;

  private static final Pattern HH_MM = Pattern.compile("([01]\\d|2[0-3]):[0-5]\\d");
  private static final Map<String, DayOfWeek> DAY_NAMES = new LinkedHashMap<>();

  static {
    for (DayOfWeek day : DayOfWeek.values()) {
      DAY_NAMES.put(day.name().substring(0, 3), day);
      DAY_NAMES.put(day.name(), day);
    }
  }

  private static final String DAY_HELP =
      "use MON, TUE, WED, THU, FRI, SAT, SUN or a range such as MON-FRI";
  private static final String BOUND_HELP = "use a date (2026-12-24), a local date-time in the policy's"
      + " time zone (2026-12-24T18:00) or an instant with offset (2026-12-24T17:00:00Z)";

  /**
   * Every problem of the policy, each naming the field (as in the environment's {@code window:}
   * section) and the fix; empty when the policy is valid. A null policy is valid (no window gate).
   */
  public static List<String> problems(DeploymentWindowPolicy policy) {
    List<String> problems = new ArrayList<>();
    if (policy == null) {
      return problems;
    }
    ZoneId zone = null;
    if (isBlank(policy.timeZone())) {
      problems.add("window.timeZone is missing: give an IANA time zone such as Europe/Berlin");
    } else {
      try {
        zone = zone(policy.timeZone());
      } catch (IllegalArgumentException e) {
        problems.add("window.timeZone: " + e.getMessage());
      }
    }
    weeklyProblems(policy.allowed(), "window.allowed", problems);
    List<Freeze> freezes = policy.freezes() == null ? List.of() : policy.freezes();
    for (int i = 0; i < freezes.size(); i++) {
      problems.addAll(freezeProblems(freezes.get(i), zone, "window.freezes[" + i + "]"));
    }
    weeklyProblems(policy.recurringFreezes(), "window.recurringFreezes", problems);
    List<String> calendars = policy.holidayCalendars() == null ? List.of() : policy.holidayCalendars();
    for (int i = 0; i < calendars.size(); i++) {
      String path = calendars.get(i);
      String field = "window.holidayCalendars[" + i + "]";
      if (isBlank(path)) {
        problems.add(field + " is empty: give the path of an iCalendar (.ics) file");
      } else if (!isAbsolutePath(path)) {
        problems.add(field + " '" + path + "' is not an absolute path: the release spec loader must"
            + " resolve it against the release spec folder before the release starts");
      }
    }
    return problems;
  }

  /**
   * Problems of one freeze, e.g. one added by signal while a release waits. {@code timeZone} is the
   * policy's zone, in which local bounds are read; when it is missing or unknown, UTC is used to compare
   * the bounds (the zone problem itself is reported by {@link #problems}).
   *
   * @param field how to name the freeze in messages, e.g. {@code window.freezes[2]} or {@code freeze}
   */
  public static List<String> freezeProblems(Freeze freeze, String timeZone, String field) {
    ZoneId zone = null;
    try {
      zone = isBlank(timeZone) ? null : zone(timeZone);
    } catch (IllegalArgumentException ignored) {
      // reported by problems(policy)
    }
    return freezeProblems(freeze, zone, field);
  }

  private static List<String> freezeProblems(Freeze freeze, ZoneId zone, String field) {
    List<String> problems = new ArrayList<>();
    if (freeze == null) {
      problems.add(field + " is empty: give from and to");
      return problems;
    }
    ZoneId readIn = zone == null ? ZoneOffset.UTC : zone;
    Instant from = null;
    Instant to = null;
    if (isBlank(freeze.from())) {
      problems.add(field + ".from is missing: " + BOUND_HELP);
    } else {
      try {
        from = freezeStart(freeze, readIn);
      } catch (IllegalArgumentException e) {
        problems.add(field + ".from: " + e.getMessage());
      }
    }
    if (isBlank(freeze.to())) {
      problems.add(field + ".to is missing: " + BOUND_HELP);
    } else {
      try {
        to = freezeEnd(freeze, readIn);
      } catch (IllegalArgumentException e) {
        problems.add(field + ".to: " + e.getMessage());
      }
    }
    if (from != null && to != null && !to.isAfter(from)) {
      problems.add(field + ": to '" + freeze.to() + "' is not after from '" + freeze.from()
          + "': a freeze must end after it starts (a date as to includes that whole day)");
    }
    return problems;
  }

  private static void weeklyProblems(List<WeeklyWindow> windows, String listField, List<String> problems) {
    if (windows == null) {
      return;
    }
    for (int i = 0; i < windows.size(); i++) {
      String field = listField + "[" + i + "]";
      WeeklyWindow window = windows.get(i);
      if (window == null) {
        problems.add(field + " is empty: give days, from and to, e.g. days [MON-FRI], from 09:00, to 17:00");
        continue;
      }
      if (window.days() == null || window.days().isEmpty()) {
        problems.add(field + ".days is missing: list the days on which it starts, e.g. [MON-FRI]");
      } else {
        for (int d = 0; d < window.days().size(); d++) {
          try {
            days(List.of(String.valueOf(window.days().get(d))));
          } catch (IllegalArgumentException e) {
            problems.add(field + ".days[" + d + "]: " + e.getMessage());
          }
        }
      }
      Integer from = null;
      Integer to = null;
      if (isBlank(window.from())) {
        problems.add(field + ".from is missing: give a wall-clock time HH:mm such as 09:00");
      } else {
        try {
          from = minuteOfDay(window.from(), false);
        } catch (IllegalArgumentException e) {
          problems.add(field + ".from: " + e.getMessage());
        }
      }
      if (isBlank(window.to())) {
        problems.add(field + ".to is missing: give a wall-clock time HH:mm such as 17:00, or 24:00");
      } else {
        try {
          to = minuteOfDay(window.to(), true);
        } catch (IllegalArgumentException e) {
          problems.add(field + ".to: " + e.getMessage());
        }
      }
      if (from != null && to != null && from.equals(to)) {
        problems.add(field + ": from and to are both " + window.from() + ", which is an empty span;"
            + " use from 00:00 to 24:00 for a whole day");
      }
    }
  }

  /** The zone of an IANA id; {@link IllegalArgumentException} with the fix when unknown. */
  public static ZoneId zone(String timeZone) {
    try {
      return ZoneId.of(timeZone);
    } catch (DateTimeException | NullPointerException e) {
      throw new IllegalArgumentException("'" + timeZone + "' is not a known time zone: use an IANA id"
          + " such as Europe/Berlin, America/New_York or UTC");
    }
  }

  /**
   * The days named by {@code days} (see {@link WeeklyWindow#days()});
   * {@link IllegalArgumentException} naming the first bad one.
   */
  public static Set<DayOfWeek> days(List<String> days) {
    Set<DayOfWeek> result = EnumSet.noneOf(DayOfWeek.class);
    for (String item : days) {
      String text = item == null ? "" : item.strip().toUpperCase(Locale.ROOT);
      int dash = text.indexOf('-');
      if (dash < 0) {
        result.add(day(item, text));
      } else {
        DayOfWeek first = day(item, text.substring(0, dash).strip());
        DayOfWeek last = day(item, text.substring(dash + 1).strip());
        for (DayOfWeek d = first; ; d = d.plus(1)) {
          result.add(d);
          if (d == last) {
            break;
          }
        }
      }
    }
    return result;
  }

  private static DayOfWeek day(String item, String name) {
    DayOfWeek day = DAY_NAMES.get(name);
    if (day == null) {
      throw new IllegalArgumentException("'" + item + "' is not a day: " + DAY_HELP);
    }
    return day;
  }

  /**
   * Minutes since midnight of a wall-clock {@code HH:mm}; {@code 24:00} (= {@link #END_OF_DAY}) only
   * when {@code allowEndOfDay}. {@link IllegalArgumentException} with the fix otherwise.
   */
  public static int minuteOfDay(String hhmm, boolean allowEndOfDay) {
    String text = hhmm == null ? "" : hhmm.strip();
    if (allowEndOfDay && text.equals("24:00")) {
      return END_OF_DAY;
    }
    if (!HH_MM.matcher(text).matches()) {
      throw new IllegalArgumentException("'" + hhmm + "' is not a time: use HH:mm from 00:00 to "
          + (allowEndOfDay ? "24:00" : "23:59") + ", e.g. " + (allowEndOfDay ? "17:00" : "09:00"));
    }
    return Integer.parseInt(text.substring(0, 2)) * 60 + Integer.parseInt(text.substring(3, 5));
  }

  /** The instant a freeze starts, local bounds read in {@code zone}. */
  public static Instant freezeStart(Freeze freeze, ZoneId zone) {
    return bound(freeze.from(), zone, false);
  }

  /** The instant a freeze ends (exclusive); a date bound ends at the end of that day. */
  public static Instant freezeEnd(Freeze freeze, ZoneId zone) {
    return bound(freeze.to(), zone, true);
  }

  private static Instant bound(String value, ZoneId zone, boolean end) {
    if (value == null) {
      throw new IllegalArgumentException("missing: " + BOUND_HELP);
    }
    String text = value.strip();
    if (text.length() > 11 && text.charAt(10) == ' ') {
      text = text.substring(0, 10) + 'T' + text.substring(11); // "2026-12-24 18:00", as people write it
    }
    try {
      return ZonedDateTime.parse(text).toInstant();
    } catch (DateTimeParseException notWithOffset) {
      // next format
    }
    try {
      return instantOf(LocalDateTime.parse(text), zone);
    } catch (DateTimeParseException notLocalDateTime) {
      // next format
    }
    try {
      LocalDate date = LocalDate.parse(text);
      return instantOf((end ? date.plusDays(1) : date).atStartOfDay(), zone);
    } catch (DateTimeParseException notDate) {
      throw new IllegalArgumentException("'" + value + "' is not a date or date-time: " + BOUND_HELP);
    }
  }

  /**
   * The instant at which the wall clock of {@code zone} first shows {@code local}: when a daylight
   * saving gap skips it, the instant the clock jumps past it (the end of the gap); when an overlap
   * shows it twice, the first time.
   */
  public static Instant instantOf(LocalDateTime local, ZoneId zone) {
    ZoneRules rules = zone.getRules();
    if (rules.getValidOffsets(local).isEmpty()) {
      ZoneOffsetTransition gap = rules.getTransition(local);
      return gap.getInstant();
    }
    return local.atZone(zone).withEarlierOffsetAtOverlap().toInstant();
  }

  /** For people: {@code Mon-Fri 09:00-17:00}. Expects a valid window. */
  public static String describe(WeeklyWindow window) {
    return describeDays(days(window.days())) + " " + window.from().strip() + "-" + window.to().strip();
  }

  /** For people: {@code Mon-Fri}, {@code Mon,Wed,Fri}, {@code Mon-Tue,Sat-Sun}. */
  public static String describeDays(Set<DayOfWeek> days) {
    List<String> runs = new ArrayList<>();
    DayOfWeek[] all = DayOfWeek.values();
    int i = 0;
    while (i < all.length) {
      if (!days.contains(all[i])) {
        i++;
        continue;
      }
      int j = i;
      while (j + 1 < all.length && days.contains(all[j + 1])) {
        j++;
      }
      runs.add(j == i ? shortName(all[i]) : shortName(all[i]) + "-" + shortName(all[j]));
      i = j + 1;
    }
    return String.join(",", runs);
  }

  private static String shortName(DayOfWeek day) {
    return day.name().charAt(0) + day.name().substring(1, 3).toLowerCase(Locale.ROOT);
  }

  /** Absolute on Unix ({@code /...}) or Windows ({@code C:\...}, {@code \\server\...}). */
  private static boolean isAbsolutePath(String path) {
    return path.startsWith("/")
        || path.startsWith("\\\\")
        || (path.length() > 2 && Character.isLetter(path.charAt(0)) && path.charAt(1) == ':'
            && (path.charAt(2) == '\\' || path.charAt(2) == '/'));
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
