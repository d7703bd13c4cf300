package dev.gantry.workflows.api.traffic;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/**
 * The answer of the traffic owner's {@code status} query.
 *
 * @param weights    what Route 53 held when last read or written
 * @param failClosed set while no region may take traffic: the owner keeps the last weights and says why
 * @param conflicts  how many compare-and-sets Route 53 (or the compare) refused in this run
 * @param writeProblem why the last round could not bring Route 53 to the rules, or null
 * @param log        the last events, oldest first
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TrafficOwnerStatus(
    String application,
    String environment,
    String recordName,
    boolean stopped,
    Map<String, Integer> weights,
    String failClosed,
    List<RegionTraffic> regions,
    int conflicts,
    List<String> log,
    String writeProblem) {}
