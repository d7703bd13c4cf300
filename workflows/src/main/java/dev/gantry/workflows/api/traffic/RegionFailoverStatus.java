package dev.gantry.workflows.api.traffic;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/**
 * The answer of the watch's {@code status} query.
 *
 * @param healthy          the last health reading (null before the first)
 * @param healthDetail     what the last reading saw
 * @param weights          the weights as last set or read back (empty before the first change)
 * @param failedOverAt     when the traffic moved away (ISO-8601), or null
 * @param failedOverBecause why
 * @param waitingFor       what the watch needs from a person, or null
 * @param log              the last events, oldest first
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RegionFailoverStatus(
    String application,
    String environment,
    String region,
    FailoverState state,
    Boolean healthy,
    String healthDetail,
    Map<String, Integer> weights,
    String failedOverAt,
    String failedOverBecause,
    String waitingFor,
    List<String> log) {}
