package dev.gantry.workflows.api.window;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A one-off blackout: no deployment from {@code from} (inclusive) to {@code to} (exclusive).
 *
 * <p>Each bound is one of:
 * <ul>
 *   <li>an ISO instant or date-time with offset, e.g. {@code 2026-12-18T17:00:00Z},
 *       {@code 2026-12-18T18:00+01:00}: that instant;</li>
 *   <li>an ISO local date-time, e.g. {@code 2026-12-18T18:00}: that wall-clock time in the policy's
 *       time zone;</li>
 *   <li>an ISO date, e.g. {@code 2026-12-18}: as {@code from}, the start of that day; as {@code to},
 *       the end of that day (date bounds are inclusive, so {@code 2026-12-21..2027-01-04} freezes
 *       both the 21st and the 4th).</li>
 * </ul>
 *
 * @param from   start of the freeze; required
 * @param to     end of the freeze; required, after {@code from}
 * @param reason why, shown to people while a release waits (e.g. {@code year-end}); nullable
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Freeze(String from, String to, String reason) {}
