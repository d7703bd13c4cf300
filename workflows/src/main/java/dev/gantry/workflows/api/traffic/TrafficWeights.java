package dev.gantry.workflows.api.traffic;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Map;

/**
 * @param weights region -> weight as Route 53 has them (failover routing: 1 for the PRIMARY's region,
 *                0 for the others)
 * @param routing {@code weighted} or {@code failover}
 * @param detail  the records, one line
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TrafficWeights(Map<String, Integer> weights, String routing, String detail) {}
