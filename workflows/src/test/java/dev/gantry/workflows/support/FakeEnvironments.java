package dev.gantry.workflows.support;

import dev.gantry.workflows.api.environment.ArchiveRequest;
import dev.gantry.workflows.api.environment.ConfigActual;
import dev.gantry.workflows.api.environment.ConfigApplied;
import dev.gantry.workflows.api.environment.ConfigRequest;
import dev.gantry.workflows.api.environment.EnvironmentActivities;
import dev.gantry.workflows.api.environment.EnvironmentSchedules;
import dev.gantry.workflows.api.environment.RecordedDeployment;
import dev.gantry.workflows.api.environment.RegionActual;
import dev.gantry.workflows.api.environment.RegionsActual;
import dev.gantry.workflows.api.environment.RegionsRequest;
import dev.gantry.workflows.api.environment.Registration;
import dev.gantry.workflows.api.environment.ReleaseLookupActivities;
import dev.gantry.workflows.api.environment.RunningReleases;
import dev.gantry.workflows.api.environment.ScheduleActivities;
import dev.gantry.workflows.api.environment.SchedulesDeleted;
import dev.gantry.workflows.api.environment.StackRequest;
import dev.gantry.workflows.api.environment.StackStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-memory stand-in for the environment ports in workflow unit tests: stacks, a registry, a config store
 * that starts empty, what each region runs (set by the test), no running releases and the schedules an
 * environment owns. (The real adapters are tested in the activities module.)
 */
public class FakeEnvironments implements EnvironmentActivities, ReleaseLookupActivities, ScheduleActivities {
  public final Map<String, StackStatus> stacks = new ConcurrentHashMap<>();
  public final Map<String, Registration> registrations = new ConcurrentHashMap<>();
  /** environment/region -> what runs there. */
  public final Map<String, RegionActual> running = new ConcurrentHashMap<>();
  public final Map<String, RecordedDeployment> recorded = new ConcurrentHashMap<>();
  public final List<ConfigRequest> applied = new CopyOnWriteArrayList<>();
  public final List<String> archived = new CopyOnWriteArrayList<>();

  /** {@code version} with {@code digest} runs in every region of {@code environment}. */
  public void runs(String environment, List<String> regions, String version, String digest) {
    regions.forEach(region -> running.put(environment + "/" + region,
        new RegionActual(region, version, digest, version + " live")));
  }

  @Override
  public ConfigApplied applyConfig(ConfigRequest request) {
    applied.add(request);
    return new ConfigApplied(List.copyOf(new java.util.TreeSet<>(request.variables().keySet())), List.of(),
        "/gantry/" + request.application() + "/" + request.environment() + "/");
  }

  @Override
  public ConfigActual readConfig(ConfigRequest request) {
    return new ConfigActual(List.of()); // nothing written yet: every declared variable drifted
  }

  @Override
  public RegionsActual readRegions(RegionsRequest request) {
    List<RegionActual> regions = new ArrayList<>();
    for (String region : request.regions()) {
      regions.add(running.getOrDefault(request.environment() + "/" + region,
          new RegionActual(region, null, null, "nothing installed")));
    }
    return new RegionsActual(regions);
  }

  @Override
  public RecordedDeployment readRecordedDeployment(RegionsRequest request) {
    return recorded.get(request.environment());
  }

  @Override
  public StackStatus createStack(StackRequest request) {
    StackStatus status = new StackStatus(request.region(), request.stackName(), "stack-" + request.region(),
        "CREATE_IN_PROGRESS");
    stacks.put(request.environment() + "/" + request.region(), status);
    return status;
  }

  @Override
  public StackStatus awaitStack(StackRequest request) {
    StackStatus done = new StackStatus(request.region(), request.stackName(), "stack-" + request.region(),
        "CREATE_COMPLETE");
    stacks.put(request.environment() + "/" + request.region(), done);
    return done;
  }

  @Override
  public StackStatus deleteStack(StackRequest request) {
    stacks.remove(request.environment() + "/" + request.region());
    return new StackStatus(request.region(), request.stackName(), "stack-" + request.region(), "DELETE_COMPLETE");
  }

  @Override
  public String register(Registration registration) {
    registrations.put(registration.environment(), registration);
    return "registry/" + registration.application() + "/" + registration.environment();
  }

  @Override
  public Registration readRegistration(RegionsRequest request) {
    return registrations.get(request.environment());
  }

  @Override
  public String archive(ArchiveRequest request) {
    registrations.remove(request.environment());
    archived.add(request.environment());
    return "archive/" + request.application() + "/" + request.environment();
  }

  @Override
  public RunningReleases running(RegionsRequest request) {
    return new RunningReleases("GantryEnvironment = '" + request.environment() + "'", List.of());
  }

  /** Asks the test server as the worker's lookup does, once {@link #lookUpDestroysWith} gave a client; else no. */
  @Override
  public boolean destroyApproved(RegionsRequest request) {
    return destroys != null && dev.gantry.workflows.environment.DestroyChecks.approvedDestroyRuns(destroys,
        request.application(), request.environment());
  }

  /** As the worker's lookup, once {@link #lookUpDestroysWith} gave a client; else as if no owner ran. */
  @Override
  public String ownerStopped(String ownerWorkflowId) {
    return destroys == null ? "not running"
        : dev.gantry.workflows.environment.DestroyChecks.ownerStopped(destroys, ownerWorkflowId);
  }

  private volatile io.temporal.client.WorkflowClient destroys;

  /** The destroy check asks this client (the test environment's), as the worker's asks its own. */
  public FakeEnvironments lookUpDestroysWith(io.temporal.client.WorkflowClient client) {
    this.destroys = client;
    return this;
  }

  @Override
  public SchedulesDeleted deleteEnvironmentSchedules(EnvironmentSchedules request) {
    return new SchedulesDeleted(request.ids(), List.of());
  }
}
