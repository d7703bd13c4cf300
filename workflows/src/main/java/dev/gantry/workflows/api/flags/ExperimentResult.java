package dev.gantry.workflows.api.flags;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * The analysis of an experiment.
 *
 * @param winner       the treatment with the best rate among those significantly different from the
 *                     control, or the control if every significant difference is worse; null if nothing
 *                     is significant
 * @param significant  whether any treatment differs significantly from the control
 * @param pValue       the winner's p-value (or the smallest p-value when nothing is significant)
 * @param lift         the winner's lift against the control (null when the winner is the control or none)
 * @param sampleReached every treatment reached the minimum sample
 * @param summary      one sentence for people
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ExperimentResult(String control, List<TreatmentComparison> treatments, String winner,
    boolean significant, Double pValue, Double lift, double alpha, boolean sampleReached, String summary) {}
