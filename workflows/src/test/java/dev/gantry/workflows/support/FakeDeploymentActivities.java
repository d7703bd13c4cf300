package dev.gantry.workflows.support;

import dev.gantry.workflows.api.deploy.DeployRequest;
import dev.gantry.workflows.api.deploy.DeployResult;
import dev.gantry.workflows.api.deploy.DeploymentActivities;
import dev.gantry.workflows.api.deploy.HealthCheckRequest;
import dev.gantry.workflows.api.deploy.HealthCheckResult;
import dev.gantry.workflows.api.deploy.RecordDeploymentRequest;
import dev.gantry.workflows.api.deploy.RecordDeploymentResult;
import dev.gantry.workflows.api.deploy.RollbackRequest;
import dev.gantry.workflows.api.deploy.RollbackResult;
import dev.gantry.workflows.api.rollout.TrafficShiftActivities;
import dev.gantry.workflows.api.rollout.WeightRequest;
import dev.gantry.workflows.api.rollout.WeightResult;
import dev.gantry.workflows.api.temporal.Failures;
import io.temporal.failure.ApplicationFailure;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * In-memory stand-in for the deployment port, with the semantics of a real target: per (environment,
 * region) a current version, and per deployed version what was current before it (so a retried deploy
 * returns the same answer and a rollback knows where to go back to). A rollback of a version that is not
 * current changes nothing.
 */
public final class FakeDeploymentActivities implements DeploymentActivities, TrafficShiftActivities {

  /** One call to the port, in the order the worker made them. */
  public record Call(String method, String environment, String region, String version, Object result) {}

  private static final class Slot {
    String current;
    /** The version installed dark or receiving part of the traffic, and its weight. */
    String canary;
    int weight;
    final List<Integer> weights = new java.util.ArrayList<>();
    final Map<String, String> previousOf = new HashMap<>();
  }

  private final Map<String, Slot> slots = new HashMap<>();
  private final Set<String> unhealthy = ConcurrentHashMap.newKeySet();
  private final Set<String> unrecordable = ConcurrentHashMap.newKeySet();
  private final List<Call> calls = new CopyOnWriteArrayList<>();

  private static String key(String environment, String region) {
    return environment + "/" + region;
  }

  public synchronized void reset() {
    slots.clear();
    unhealthy.clear();
    unrecordable.clear();
    failingRollbacks.clear();
    calls.clear();
  }

  /** Every health check of this region fails (type {@link Failures#UNHEALTHY}) from now on. */
  public void failHealthOf(String environment, String region) {
    unhealthy.add(key(environment, region));
  }

  /** The next {@code attempts} rollbacks of this region fail, retryably (its cluster or API does not answer). */
  public void failRollbacksOf(String environment, String region, int attempts) {
    failingRollbacks.put(key(environment, region), new java.util.concurrent.atomic.AtomicInteger(attempts));
  }

  private final Map<String, java.util.concurrent.atomic.AtomicInteger> failingRollbacks = new ConcurrentHashMap<>();

  /** Every record of this environment fails for good (the audit store refuses it). */
  public void failRecordOf(String environment) {
    unrecordable.add(environment);
  }

  /** Pretends {@code version} already runs in the region (deployed by an earlier release). */
  public synchronized void preinstall(String environment, String region, String version) {
    Slot slot = slots.computeIfAbsent(key(environment, region), k -> new Slot());
    slot.previousOf.put(version, slot.current);
    slot.current = version;
  }

  public synchronized String currentVersion(String environment, String region) {
    Slot slot = slots.get(key(environment, region));
    return slot == null ? null : slot.current;
  }

  public List<Call> calls() {
    return List.copyOf(calls);
  }

  public List<Call> calls(String method) {
    return calls.stream().filter(c -> c.method().equals(method)).toList();
  }

  public List<Call> calls(String method, String environment) {
    return calls.stream()
        .filter(c -> c.method().equals(method) && environment.equals(c.environment()))
        .toList();
  }

  @Override
  public synchronized DeployResult deploy(DeployRequest request) {
    Slot slot = slots.computeIfAbsent(key(request.environment(), request.region()), k -> new Slot());
    DeployResult result;
    if (request.version().equals(slot.current)) {
      result = new DeployResult(slot.previousOf.get(request.version()), true, location(request));
    } else {
      slot.previousOf.put(request.version(), slot.current);
      result = new DeployResult(slot.current, false, location(request));
      slot.current = request.version();
    }
    calls.add(new Call("deploy", request.environment(), request.region(), request.version(), result));
    return result;
  }

  @Override
  public HealthCheckResult checkHealth(HealthCheckRequest request) {
    String current = currentVersion(request.environment(), request.region());
    if (unhealthy.contains(key(request.environment(), request.region()))) {
      calls.add(new Call("checkHealth", request.environment(), request.region(), request.version(),
          "unhealthy"));
      throw ApplicationFailure.newFailure(
          request.region() + " answers 503 on /health", Failures.UNHEALTHY);
    }
    if (!request.version().equals(current)) {
      calls.add(new Call("checkHealth", request.environment(), request.region(), request.version(),
          "not current"));
      throw ApplicationFailure.newFailure(
          request.region() + " runs " + current + ", expected " + request.version(), Failures.UNHEALTHY);
    }
    HealthCheckResult result = new HealthCheckResult(true, "200 OK from " + request.region());
    calls.add(new Call("checkHealth", request.environment(), request.region(), request.version(), result));
    return result;
  }

  @Override
  public synchronized RollbackResult rollback(RollbackRequest request) {
    var failing = failingRollbacks.get(key(request.environment(), request.region()));
    if (failing != null && failing.getAndDecrement() > 0) {
      calls.add(new Call("rollback-failed", request.environment(), request.region(), request.version(), null));
      throw io.temporal.failure.ApplicationFailure.newFailure("the API of " + request.region() + " cannot be reached",
          "Unavailable");
    }
    Slot slot = slots.computeIfAbsent(key(request.environment(), request.region()), k -> new Slot());
    RollbackResult result;
    if (request.version().equals(slot.canary)) {
      // A canary in progress: its weight goes back to 0, the stable version keeps everything.
      slot.canary = null;
      slot.weight = 0;
      slot.weights.add(0);
      result = new RollbackResult(true, slot.current);
    } else if (!request.version().equals(slot.current)) {
      result = new RollbackResult(false, slot.current);
    } else {
      slot.current = slot.previousOf.get(request.version());
      result = new RollbackResult(true, slot.current);
    }
    calls.add(new Call("rollback", request.environment(), request.region(), request.version(), result));
    return result;
  }

  @Override
  public RecordDeploymentResult recordDeployment(RecordDeploymentRequest request) {
    if (unrecordable.contains(request.environment())) {
      calls.add(new Call("recordDeployment", request.environment(), null, request.version(), "refused"));
      throw ApplicationFailure.newNonRetryableFailure(
          "deployment record store refused the write", "RecordRefused");
    }
    RecordDeploymentResult result =
        new RecordDeploymentResult("memory://" + request.environment() + "/deployed.json");
    calls.add(new Call("recordDeployment", request.environment(), null, request.version(), result));
    return result;
  }

  @Override
  public synchronized DeployResult deployDark(DeployRequest request) {
    Slot slot = slots.computeIfAbsent(key(request.environment(), request.region()), k -> new Slot());
    DeployResult result;
    if (request.version().equals(slot.current)) {
      result = new DeployResult(slot.previousOf.get(request.version()), true, location(request));
    } else {
      slot.previousOf.put(request.version(), slot.current);
      slot.canary = request.version();
      slot.weight = 0;
      result = new DeployResult(slot.current, false, location(request));
    }
    calls.add(new Call("deployDark", request.environment(), request.region(), request.version(), result));
    return result;
  }

  @Override
  public HealthCheckResult smokeCheck(HealthCheckRequest request) {
    HealthCheckResult result = new HealthCheckResult(true, "200 OK from " + request.version() + " (dark)");
    calls.add(new Call("smokeCheck", request.environment(), request.region(), request.version(), result));
    return result;
  }

  @Override
  public synchronized WeightResult setWeight(WeightRequest request) {
    Slot slot = slots.computeIfAbsent(key(request.environment(), request.region()), k -> new Slot());
    if (request.weight() >= 100) {
      if (!request.version().equals(slot.current)) {
        slot.current = request.version();
      }
      slot.canary = null;
    } else {
      slot.canary = request.version();
    }
    slot.weight = request.weight();
    slot.weights.add(request.weight());
    calls.add(new Call("setWeight", request.environment(), request.region(), request.version(), request.weight()));
    return new WeightResult(request.weight(), slot.previousOf.get(request.version()), "memory");
  }

  /** Every weight the region's canary was given, in order (0 for a rollback of a canary). */
  public synchronized List<Integer> weights(String environment, String region) {
    Slot slot = slots.get(key(environment, region));
    return slot == null ? List.of() : List.copyOf(slot.weights);
  }

  public synchronized String canaryOf(String environment, String region) {
    Slot slot = slots.get(key(environment, region));
    return slot == null ? null : slot.canary;
  }

  private static String location(DeployRequest request) {
    return "memory://" + request.environment() + "/" + request.region() + "/" + request.version();
  }
}
