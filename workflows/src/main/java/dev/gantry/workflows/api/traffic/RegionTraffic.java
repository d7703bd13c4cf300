package dev.gantry.workflows.api.traffic;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One region as the traffic owner sees it.
 *
 * @param healthy            the last reading (null before the first)
 * @param weight             its weight in Route 53 as last read
 * @param since              when it was failed over or drained (ISO-8601), or null
 * @param by                 who drained it ({@code gantry} for an automatic failover)
 * @param because            why
 * @param failbackApprovedBy who approved its failback, while that approval waits for it to stay healthy
 * @param waitingFor         what it needs from a person, or null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RegionTraffic(String region, RegionTrafficState state, Boolean healthy, String healthDetail,
    Integer weight, String since, String by, String because, String failbackApprovedBy, String waitingFor) {}
