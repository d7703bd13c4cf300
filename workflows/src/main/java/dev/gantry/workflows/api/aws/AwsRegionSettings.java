package dev.gantry.workflows.api.aws;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * What differs between the regions of one AWS environment.
 *
 * @param bucket        this region's artifact bucket, when it does not follow {@link AwsTarget#artifactBucket()}
 * @param alarms        CloudWatch alarms (in this region) that must all be {@code OK} for it to be healthy
 * @param healthCheckId a Route 53 health check that must report healthy, or null
 * @param weight        Route 53 weight of this region's record when all regions are healthy (default 1)
 * @param endpoint      the value of this region's record (a host name for a CNAME), e.g. the regional
 *                      API Gateway or load balancer name
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AwsRegionSettings(
    String bucket, List<String> alarms, String healthCheckId, Integer weight, String endpoint) {

  public int weightOrDefault() {
    return weight == null ? 1 : weight;
  }
}
