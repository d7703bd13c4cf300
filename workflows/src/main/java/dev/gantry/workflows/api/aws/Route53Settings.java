package dev.gantry.workflows.api.aws;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The DNS name users resolve, served by one record per region.
 *
 * @param hostedZoneId the hosted zone, e.g. {@code Z0123456789ABC}
 * @param recordName   e.g. {@code api.example.com}
 * @param routing      {@code weighted} (one record per region, {@code SetIdentifier=<region>}, weights
 *                     shifted by Gantry) or {@code failover} (a PRIMARY and a SECONDARY record)
 * @param ttlSeconds   record TTL (default 60): failover takes at least this long to reach clients
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Route53Settings(String hostedZoneId, String recordName, String routing, Integer ttlSeconds) {
  public static final String WEIGHTED = "weighted";
  public static final String FAILOVER = "failover";

  public String routingOrDefault() {
    return routing == null ? WEIGHTED : routing;
  }

  public long ttlSecondsOrDefault() {
    return ttlSeconds == null ? 60 : ttlSeconds;
  }
}
