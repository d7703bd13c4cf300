package dev.gantry.workflows.api.window;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The {@code freeze} signal: blocks deployments of one environment for a period, honoured at once by a
 * release waiting for its window, e.g.
 * {@code {"environment": "production", "from": "2026-12-24", "to": "2026-12-26", "reason": "holidays",
 * "by": "alice"}}. A freeze only ever makes a release wait longer, so anyone who may signal may add one.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record FreezeSignal(String environment, String from, String to, String reason, String by) {
  public Freeze toFreeze() {
    return new Freeze(from, to, reason == null ? "freeze added by " + (by == null ? "signal" : by) : reason);
  }
}
