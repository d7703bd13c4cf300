package dev.gantry.workflows.support;

import dev.gantry.workflows.api.aws.AwsRegionSettings;
import dev.gantry.workflows.api.aws.AwsTarget;
import dev.gantry.workflows.api.aws.Route53Settings;
import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.traffic.CompareAndSetTrafficRequest;
import dev.gantry.workflows.api.traffic.ReadTrafficRequest;
import dev.gantry.workflows.api.traffic.RegionHealth;
import dev.gantry.workflows.api.traffic.RegionHealthRequest;
import dev.gantry.workflows.api.traffic.RegionTrafficActivities;
import dev.gantry.workflows.api.traffic.ShiftTrafficRequest;
import dev.gantry.workflows.api.traffic.TrafficChange;
import dev.gantry.workflows.api.traffic.TrafficWeights;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An in-memory stand-in for the traffic port in workflow unit tests: health per region set by the test,
 * weights kept in a map. (The real adapter is tested against moto in the activities module.)
 */
public class FakeRegionTraffic implements RegionTrafficActivities {
  public static final List<String> REGIONS = List.of("us-east-1", "us-west-2", "eu-west-1", "ap-southeast-1");
  public final Map<String, Boolean> healthy = new ConcurrentHashMap<>();
  public final Map<String, Integer> weights = new LinkedHashMap<>();
  /** Every write, in order (region weights as written). */
  public final List<Map<String, Integer>> writes = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** Runs once before the next compare (a concurrent writer in the tests), then is cleared. */
  public volatile Runnable beforeNextCompare;

  public FakeRegionTraffic() {
    REGIONS.forEach(region -> healthy.put(region, true));
    weights.putAll(baseline());
  }

  /** us-east-1 40, the others 20 each. */
  public static Map<String, Integer> baseline() {
    Map<String, Integer> baseline = new LinkedHashMap<>();
    REGIONS.forEach(region -> baseline.put(region, "us-east-1".equals(region) ? 40 : 20));
    return baseline;
  }

  public static DeployTarget target() {
    Map<String, AwsRegionSettings> regions = new LinkedHashMap<>();
    baseline().forEach((region, weight) -> regions.put(region,
        new AwsRegionSettings(null, List.of("hello-5xx-" + region), null, weight, "hello-" + region + ".example.com")));
    return DeployTarget.aws(DeployTarget.LAMBDA, new AwsTarget("123456789012", "gantry-artifacts-{region}", null,
        null, new Route53Settings("Z1", "api.hello.example.com", Route53Settings.WEIGHTED, 60), regions, 0));
  }

  @Override
  public RegionHealth readRegionHealth(RegionHealthRequest request) {
    boolean ok = healthy.getOrDefault(request.region(), true);
    String detail = "alarm hello-5xx-" + request.region() + (ok ? " OK" : " is ALARM");
    return new RegionHealth(request.region(), ok, detail, ok ? List.of() : List.of(detail));
  }

  @Override
  public synchronized TrafficWeights shiftTraffic(ShiftTrafficRequest request) {
    weights.putAll(request.weights());
    return now();
  }

  /** Compare-and-set as the real adapter does it: refused unless the weights are the expected ones. */
  @Override
  public TrafficChange setTrafficIfUnchanged(CompareAndSetTrafficRequest request) {
    Runnable writer = beforeNextCompare;
    beforeNextCompare = null;
    if (writer != null) {
      writer.run();
    }
    synchronized (this) {
      if (request.expected() != null && !request.expected().equals(weights)) {
        return new TrafficChange(TrafficChange.CONFLICT, now(), "the records are not the expected ones");
      }
      if (request.weights().equals(weights)) {
        return new TrafficChange(TrafficChange.UNCHANGED, now(), "already so");
      }
      weights.putAll(request.weights());
      writes.add(new LinkedHashMap<>(request.weights()));
      return new TrafficChange(TrafficChange.WRITTEN, now(), "written");
    }
  }

  /** A writer that is not the owner (a person, an old watch). */
  public synchronized void externalWrite(Map<String, Integer> next) {
    weights.putAll(next);
  }

  @Override
  public synchronized TrafficWeights readTraffic(ReadTrafficRequest request) {
    return now();
  }

  public synchronized Map<String, Integer> weights() {
    return new LinkedHashMap<>(weights);
  }

  protected synchronized TrafficWeights now() {
    return new TrafficWeights(new LinkedHashMap<>(weights), "weighted", "api.hello.example.com: " + weights);
  }
}
