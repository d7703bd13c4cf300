package dev.gantry.workflows.api.flags;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** Compare every treatment with the control (two-proportion z-test, two-sided). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ExperimentAnalysisRequest(MetricCounts counts, String control, List<String> treatments, double alpha,
    long minSamplePerTreatment) {}
