package dev.gantry.activities.aws;

import dev.gantry.activities.deploy.Heartbeats;
import dev.gantry.workflows.api.aws.AwsTarget;
import dev.gantry.workflows.api.traffic.CompareAndSetTrafficRequest;
import dev.gantry.workflows.api.traffic.TrafficChange;
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
    return Heartbeats.during(() -> health.read(aws, request.region(), request.healthCheck(), Map.of(
        "GANTRY_APPLICATION", request.application(), "GANTRY_ENVIRONMENT", request.environment(),
        "GANTRY_REGION", request.region())));
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
  public TrafficChange setTrafficIfUnchanged(CompareAndSetTrafficRequest request) {
    AwsTarget aws = requireTarget(request.target(), request.environment());
    request.weights().keySet().forEach(AwsTargets::requireRegion);
    if (!aws.regions().keySet().containsAll(request.weights().keySet())) {
      throw AwsErrors.invalid("weights name a region that is not in target.aws.regions: "
          + request.weights().keySet());
    }
    TrafficChange change = Heartbeats.during(() -> router.compareAndSet(aws, request.expected(), request.weights()));
    if (TrafficChange.WRITTEN.equals(change.outcome())) {
      log.warn("traffic set app={} env={} weights={} reason={}", request.application(), request.environment(),
          change.now().weights(), request.reason());
    } else if (change.conflict()) {
      log.warn("traffic compare-and-set refused app={} env={} expected={} found={}: {}", request.application(),
          request.environment(), request.expected(), change.now().weights(), change.detail());
    }
    return change;
  }

  @Override
  public TrafficWeights readTraffic(ReadTrafficRequest request) {
    return router.read(requireTarget(request.target(), request.environment()));
  }

  private static AwsTarget requireTarget(dev.gantry.workflows.api.deploy.DeployTarget target, String environment) {
    if (target == null || target.aws() == null) {
      throw AwsErrors.invalid("target.aws is missing for " + environment);
    }
    return target.aws();
  }
}
