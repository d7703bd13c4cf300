package dev.gantry.workflows.api.window;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * A time span that repeats every week on the given days, in the policy's time zone. Used both for
 * allowed windows and for recurring freezes.
 *
 * <p>An occurrence starts on each listed day at {@code from} and ends at {@code to}, the same day, or
 * the next day when {@code to} is not after {@code from} (a window {@code FRI 22:00-02:00} runs from
 * Friday 22:00 to Saturday 02:00). When a daylight saving change skips a wall-clock time, the span
 * starts or ends at the moment the clock jumps past it (a 02:30 start on spring-forward day in
 * Europe/Berlin starts at 03:00 CEST); when a wall-clock time happens twice, the first one counts.
 *
 * @param days the days on which an occurrence starts: {@code MON, TUE, WED, THU, FRI, SAT, SUN}
 *             (case-insensitive, full names such as {@code Monday} accepted), or ranges such as
 *             {@code MON-FRI} ({@code FRI-MON} wraps over the weekend); required, not empty
 * @param from start, wall-clock {@code HH:mm} (00:00 to 23:59); required
 * @param to   end, wall-clock {@code HH:mm} or {@code 24:00} for the end of the day; a value before
 *             {@code from} crosses midnight into the next day; must differ from {@code from}; required
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record WeeklyWindow(List<String> days, String from, String to) {}
