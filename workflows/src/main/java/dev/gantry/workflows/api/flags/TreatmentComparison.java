package dev.gantry.workflows.api.flags;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One treatment against the control.
 *
 * @param lift        relative change of the rate against the control ((p - p_control) / p_control); null
 *                    for the control itself or a control rate of 0
 * @param pValue      two-sided p-value of the two-proportion z-test; null for the control
 * @param significant pValue below the (Bonferroni-corrected) alpha
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TreatmentComparison(String treatment, long exposures, long conversions, double rate, Double lift,
    Double zScore, Double pValue, boolean significant) {}
