package dev.gantry.starter.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.starter.spec.ReleaseSpecLoader;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.temporal.TaskQueues;
import dev.gantry.workflows.api.traffic.CompareAndSetTrafficRequest;
import dev.gantry.workflows.api.traffic.ReadTrafficRequest;
import dev.gantry.workflows.api.traffic.RegionHealth;
import dev.gantry.workflows.api.traffic.RegionHealthRequest;
import dev.gantry.workflows.api.traffic.RegionTrafficActivities;
import dev.gantry.workflows.api.traffic.RegionTrafficState;
import dev.gantry.workflows.api.traffic.ShiftTrafficRequest;
import dev.gantry.workflows.api.traffic.TrafficChange;
import dev.gantry.workflows.api.traffic.TrafficDecision;
import dev.gantry.workflows.api.traffic.TrafficWeights;
import dev.gantry.workflows.failover.TrafficOwnerWorkflowImpl;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The CLI's client drains through the owner with update-with-start: the first drain starts it. */
class RegionFailoversTest {
  TestWorkflowEnvironment env;
  final Weights route53 = new Weights();
  final Map<String, Integer> weights = route53.weights;
  EnvironmentPlan production;

  /** Every region healthy; weights in a map (the Route 53 adapter itself is tested on moto). */
  static class Weights implements RegionTrafficActivities {
    final Map<String, Integer> weights = new LinkedHashMap<>();

    @Override
    public RegionHealth readRegionHealth(RegionHealthRequest request) {
      return new RegionHealth(request.region(), true, "ok", List.of());
    }

    @Override
    public synchronized TrafficWeights shiftTraffic(ShiftTrafficRequest request) {
      weights.putAll(request.weights());
      return readTraffic(null);
    }

    @Override
    public synchronized TrafficChange setTrafficIfUnchanged(CompareAndSetTrafficRequest request) {
      weights.putAll(request.weights());
      return new TrafficChange(TrafficChange.WRITTEN, readTraffic(null), "written");
    }

    @Override
    public synchronized TrafficWeights readTraffic(ReadTrafficRequest request) {
      return new TrafficWeights(new LinkedHashMap<>(weights), "weighted", "");
    }
  }

  @BeforeEach
  void start() {
    production = new ReleaseSpecLoader().loadEnvironment(Path.of("../examples/aws/release.yaml"), "production");
    env = TestWorkflowEnvironment.newInstance();
    Worker worker = env.newWorker(TaskQueues.RELEASE);
    worker.registerWorkflowImplementationTypes(TrafficOwnerWorkflowImpl.class);
    worker.registerActivitiesImplementations(route53, new dev.gantry.workflows.support.OwnersInPolicy()
        .define(dev.gantry.workflows.api.traffic.TrafficOwnerRequest.forEnvironment("hello-service", production, 30,
            null)), new dev.gantry.workflows.support.FakeAudit());
    env.start();
  }

  @AfterEach
  void close() {
    env.close();
  }

  @Test
  void theFirstDrainStartsTheOwnerAndAFailbackGoesToTheSameOwner() {
    RegionFailovers failovers = new RegionFailovers(env.getWorkflowClient());
    String region = production.regions().get(1);

    TrafficDecision drained = failovers.drain("hello-service", production, region, "dana", "maintenance", 30);

    assertThat(drained.state()).isEqualTo(RegionTrafficState.DRAINED);
    assertThat(weights).containsEntry(region, 0);
    assertThat(RegionFailovers.ownerId("hello-service", production)).isEqualTo("traffic/hello-service/api.hello.example.com");
    assertThat(failovers.status("hello-service", production).regions())
        .anyMatch(r -> r.region().equals(region) && r.state() == RegionTrafficState.DRAINED);
    assertThatThrownBy(() -> failovers.drain("hello-service", production, region, "dana", "again", 30))
        .isInstanceOf(GantryException.class).hasMessageContaining("the drain was refused")
        .hasMessageContaining("already drained");
    String approver = production.approval() == null || production.approval().approvers() == null
        || production.approval().approvers().isEmpty() ? "carol" : production.approval().approvers().get(0);

    TrafficDecision back = failovers.failback("hello-service", production, region, approver, "done");

    assertThat(back.state()).isEqualTo(RegionTrafficState.SERVING);
    assertThat(weights.get(region)).isPositive();
  }
}
