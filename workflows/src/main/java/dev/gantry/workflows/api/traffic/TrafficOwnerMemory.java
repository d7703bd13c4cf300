package dev.gantry.workflows.api.traffic;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/**
 * What the traffic owner carries over continue-as-new.
 *
 * @param holds    the regions held at 0 (failed over or drained), with who and why
 * @param expected the weights Route 53 held when last read or written (the compare of the next write)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TrafficOwnerMemory(List<RegionHold> holds, Map<String, Integer> expected, int auditSequence) {}
