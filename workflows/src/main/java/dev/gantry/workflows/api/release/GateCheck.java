package dev.gantry.workflows.api.release;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The outcome of one gate of one environment, for the status and the release report.
 *
 * @param gate    approval, quality, cab, window
 * @param outcome passed, failed, overridden, waiting
 * @param detail  what was measured or decided, e.g. "coverage 84.2 >= 80"
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record GateCheck(String environment, String gate, String outcome, String detail, String at) {}
