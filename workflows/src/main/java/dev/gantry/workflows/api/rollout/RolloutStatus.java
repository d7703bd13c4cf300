package dev.gantry.workflows.api.rollout;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Where a region's progressive rollout is, for the status query and the CLI.
 *
 * @param strategy     canary, linear, blue-green
 * @param phase        {@code dark} (0%, smoke checks), {@code baking}, {@code analysing}, {@code paused},
 *                     {@code held} (dark launch on hold), {@code inconclusive} (waiting for a person),
 *                     {@code promoted}, {@code done}, {@code failed}
 * @param step         the current step, 1-based (0 during the dark launch)
 * @param steps        how many steps there are
 * @param weight       the new version's share of the traffic now, percent
 * @param lastAnalysis the last analysis: verdict and detail, e.g. {@code pass: error rate 0.2% <= 1.0%}
 * @param nextStepAt   when the next step (or its analysis) is due, ISO-8601 instant, or null
 * @param waitingFor   what a person can do now, or null
 * @param lastCommand  the last control command and whether it was accepted
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RolloutStatus(
    String strategy,
    String phase,
    int step,
    int steps,
    int weight,
    String lastAnalysis,
    String nextStepAt,
    String waitingFor,
    String lastCommand) {}
