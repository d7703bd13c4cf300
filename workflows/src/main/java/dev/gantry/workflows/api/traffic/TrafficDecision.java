package dev.gantry.workflows.api.traffic;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Map;

/**
 * What the traffic owner did with an operator's message.
 *
 * @param state   the region's state afterwards
 * @param weights what Route 53 holds afterwards (as read back)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TrafficDecision(String region, RegionTrafficState state, Map<String, Integer> weights,
    String detail) {}
