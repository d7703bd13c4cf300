package dev.gantry.workflows.api.quality;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * The verdict of a quality gate. A failed threshold is a verdict, not an activity failure: the gate returns
 * {@code passed = false} and says why.
 *
 * @param passed       true only if every configured threshold was measured and met, and nothing went wrong
 * @param measurements every value that could be read, with its threshold and whether it was met
 * @param problems     one sentence per reason the gate did not pass (a threshold missed, or a report that
 *                     is missing, unreadable or malformed), naming the report and what to do; empty when
 *                     the gate passed
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record QualityGateResult(boolean passed, List<Measurement> measurements, List<String> problems) {}
