package dev.gantry.workflows.api.flags;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * The {@code status} query of a flag ramp.
 *
 * @param percent      the treatment's share now
 * @param step         1-based index of the current step (0 before the first)
 * @param nextAnalysisAt ISO instant of the next analysis, or null
 * @param lastAnalysis the last analysis, in words
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record FlagRampStatus(String workflowId, String flag, String environment, RampState state, int percent,
    int step, List<Integer> steps, String nextAnalysisAt, String lastAnalysis, String stoppedBecause,
    List<String> timeline) {}
