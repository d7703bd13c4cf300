package dev.gantry.workflows.api.rollout;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Map;

/**
 * CloudWatch metrics per version, read with {@code GetMetricData} in the region being analysed.
 * Each metric carries the dimension {@code versionDimension = <version>} plus {@code dimensions}.
 *
 * @param namespace        e.g. {@code HelloService}
 * @param requestsMetric   count of requests (statistic Sum; default {@code Requests})
 * @param errorsMetric     count of failed requests (statistic Sum; default {@code Errors})
 * @param latencyMetric    latency in milliseconds (default {@code Latency})
 * @param latencyStat      the statistic read for latency (default {@code p99})
 * @param versionDimension the dimension naming the version (default {@code Version})
 * @param dimensions       further fixed dimensions, e.g. {@code {Application: hello-service}}
 * @param periodSeconds    the period of the query (default 60)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CloudWatchMetrics(
    String namespace,
    String requestsMetric,
    String errorsMetric,
    String latencyMetric,
    String latencyStat,
    String versionDimension,
    Map<String, String> dimensions,
    Integer periodSeconds) {

  public String requestsMetricOrDefault() {
    return requestsMetric == null ? "Requests" : requestsMetric;
  }

  public String errorsMetricOrDefault() {
    return errorsMetric == null ? "Errors" : errorsMetric;
  }

  public String latencyMetricOrDefault() {
    return latencyMetric == null ? "Latency" : latencyMetric;
  }

  public String latencyStatOrDefault() {
    return latencyStat == null ? "p99" : latencyStat;
  }

  public String versionDimensionOrDefault() {
    return versionDimension == null ? "Version" : versionDimension;
  }

  public Map<String, String> dimensionsOrEmpty() {
    return dimensions == null ? Map.of() : dimensions;
  }

  public int periodSecondsOrDefault() {
    return periodSeconds == null ? 60 : periodSeconds;
  }
}
