package dev.gantry.workflows.api.window;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * When an environment may be deployed. A release that reaches the window gate while the window is
 * closed waits durably until it opens; it does not fail. Checked by
 * {@link DeploymentWindowPolicies#problems(DeploymentWindowPolicy)}.
 *
 * <p>Open at an instant means: inside one of {@code allowed} (or {@code allowed} is empty), and not
 * inside any of {@code freezes}, {@code recurringFreezes} or a holiday of {@code holidayCalendars}.
 * All wall-clock times are read in {@code timeZone}, so a 09:00 window opens at 09:00 local time on
 * both sides of a daylight saving change.
 *
 * @param timeZone         IANA time zone id in which every wall-clock time of this policy is read,
 *                         e.g. {@code Europe/Berlin}; required
 * @param allowed          weekly windows in which deployments are allowed; null or empty means
 *                         "always allowed, except during freezes and holidays"
 * @param freezes          one-off blackouts (date or date-time ranges), e.g. a year-end freeze;
 *                         nullable
 * @param recurringFreezes weekly blackouts that win over {@code allowed}, e.g. every Friday
 *                         15:00-24:00; nullable
 * @param holidayCalendars absolute paths of iCalendar (.ics) files whose events are blackouts:
 *                         all-day events block their whole local day(s) in {@code timeZone}, timed
 *                         events block their interval, recurring events (RRULE) every occurrence.
 *                         An unreadable or malformed file fails the check (closed), it never counts
 *                         as "no holidays"; nullable
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DeploymentWindowPolicy(
    String timeZone,
    List<WeeklyWindow> allowed,
    List<Freeze> freezes,
    List<WeeklyWindow> recurringFreezes,
    List<String> holidayCalendars) {}
