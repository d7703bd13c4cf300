package dev.gantry.workflows.api.window;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Output of {@link DeploymentWindowActivities#evaluate}: is the environment's window open at the asked
 * instant, and if not, why and when it opens next.
 *
 * @param open                whether a deployment may start at the asked instant
 * @param reason              when closed, every reason why, joined by {@code "; "}, e.g.
 *                            {@code outside Mon-Fri 09:00-17:00 Europe/Berlin},
 *                            {@code freeze 'year-end' until Tue 2027-01-05 00:00 CET},
 *                            {@code holiday 'Christmas Day' (de-holidays.ics) until Sat 2026-12-26 00:00 CET};
 *                            when open, which window admits it and when and why it closes, e.g.
 *                            {@code open: inside Mon-Fri 09:00-17:00 Europe/Berlin; closes Fri 2026-03-27 15:00 CET
 *                            (recurring freeze Fri 15:00-24:00)} or {@code ...; closes Fri 2026-03-27 17:00 CET
 *                            (end of window)}
 * @param nextOpenEpochMillis when closed, the first instant after the asked one at which the window
 *                            is open (itself outside every freeze and holiday); null when open, or when
 *                            no opening was found within 366 days
 * @param nextOpenDescription when closed, that instant for people in the policy's zone and in UTC, e.g.
 *                            {@code Mon 2026-03-30 09:00 CEST (2026-03-30T07:00:00Z)}, or
 *                            {@code no opening within 366 days}; null when open
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record WindowDecision(
    boolean open, String reason, Long nextOpenEpochMillis, String nextOpenDescription) {}
