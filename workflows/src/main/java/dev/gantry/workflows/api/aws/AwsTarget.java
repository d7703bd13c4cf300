package dev.gantry.workflows.api.aws;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/**
 * An environment on AWS: one account, one deployment per region, an optional Route 53 record that
 * routes users between the regions.
 *
 * @param account           the 12-digit account every region must belong to (a deploy refuses a
 *                          function or service whose ARN names another account)
 * @param artifactBucket    the bucket that receives the artifact in each region; {@code {region}} and
 *                          {@code {account}} are replaced, e.g. {@code gantry-artifacts-{region}}
 * @param lambda            for {@code type: lambda}
 * @param ecs               for {@code type: ecs}
 * @param route53           weighted or failover records for traffic, or null (no traffic routing)
 * @param regions           per region: alarms, Route 53 health check, weight, record value; keyed by
 *                          region name, in the order written
 * @param healthyForSeconds a region counts as healthy only after every check has passed for this long
 *                          (default 0: one passing round)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AwsTarget(
    String account,
    String artifactBucket,
    LambdaSettings lambda,
    EcsSettings ecs,
    Route53Settings route53,
    Map<String, AwsRegionSettings> regions,
    Integer healthyForSeconds) {

  public static final String REGION_PLACEHOLDER = "{region}";
  public static final String ACCOUNT_PLACEHOLDER = "{account}";

  /** The bucket of one region: its own {@code bucket} if set, else the pattern filled in. */
  public String bucketFor(String region) {
    AwsRegionSettings settings = region(region);
    if (settings != null && settings.bucket() != null && !settings.bucket().isBlank()) {
      return settings.bucket();
    }
    if (artifactBucket == null) {
      return null;
    }
    return artifactBucket.replace(REGION_PLACEHOLDER, region)
        .replace(ACCOUNT_PLACEHOLDER, account == null ? "" : account);
  }

  /** The settings of one region, or null when the config says nothing about it. */
  public AwsRegionSettings region(String region) {
    return regions == null ? null : regions.get(region);
  }

  public List<String> alarmsOf(String region) {
    AwsRegionSettings settings = region(region);
    return settings == null || settings.alarms() == null ? List.of() : settings.alarms();
  }

  public int healthyForSecondsOrDefault() {
    return healthyForSeconds == null ? 0 : healthyForSeconds;
  }
}
