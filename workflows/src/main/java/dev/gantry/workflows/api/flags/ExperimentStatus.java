package dev.gantry.workflows.api.flags;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * The {@code status} query of an experiment, and its result.
 *
 * @param outcome the treatment left at 100% once decided, or null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ExperimentStatus(String workflowId, String name, String flag, String environment, RampState state,
    String phase, String endsAt, MetricCounts lastCounts, ExperimentResult result, String outcome,
    String decidedBy, List<String> timeline) {}
