package dev.gantry.activities.aws;

import dev.gantry.workflows.api.aws.AwsTarget;
import dev.gantry.workflows.api.traffic.ReadTrafficRequest;
import dev.gantry.workflows.api.traffic.RegionHealth;
import dev.gantry.workflows.api.traffic.RegionHealthRequest;
import dev.gantry.workflows.api.traffic.RegionTrafficActivities;
import dev.gantry.workflows.api.traffic.ShiftTrafficRequest;
import dev.gantry.workflows.api.traffic.TrafficWeights;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Region health from CloudWatch, Route 53 and HTTP; traffic through Route 53 records. */
public class RegionTrafficActivitiesImpl implements RegionTrafficActivities {
  private static final Logger log = LoggerFactory.getLogger(RegionTrafficActivitiesImpl.class);
  private final RegionHealthChecks health;
  private final TrafficRouter router;

  public RegionTrafficActivitiesImpl(RegionHealthChecks health, TrafficRouter router) {
    this.health = health;
    this.router = router;
  }

  @Override
  public RegionHealth readRegionHealth(RegionHealthRequest request) {
    AwsTarget aws = AwsTargets.require(request.target(), request.environment(), request.region());
    return health.read(aws, request.region(), request.healthCheck(), Map.of(
        "GANTRY_APPLICATION", request.application(), "GANTRY_ENVIRONMENT", request.environment(),
        "GANTRY_REGION", request.region()));
  }

  @Override
  public TrafficWeights shiftTraffic(ShiftTrafficRequest request) {
    AwsTarget aws = requireTarget(request.target(), request.environment());
    request.weights().keySet().forEach(AwsTargets::requireRegion);
    router.apply(aws, request.weights());
    TrafficWeights now = router.read(aws);
    log.warn("traffic shifted app={} env={} weights={} reason={}", request.application(),
        request.environment(), now.weights(), request.reason());
    return now;
  }

  @Override
  public TrafficWeights readTraffic(ReadTrafficRequest request) {
    return router.read(requireTarget(request.target(), request.environment()));
  }

  private static AwsTarget requireTarget(dev.gantry.workflows.api.DeployTarget target, String environment) {
    if (target == null || target.aws() == null) {
      throw AwsErrors.invalid("target.aws is missing for " + environment);
    }
    return target.aws();
  }
}
