package dev.gantry.activities.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.activities.support.MotoServer;
import dev.gantry.workflows.api.aws.AwsTarget;
import dev.gantry.workflows.api.traffic.TrafficChange;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Route 53 compare-and-set against moto. */
class TrafficRouterCompareAndSetTest {
  @RegisterExtension static final MotoServer moto = MotoServer.perClass();
  MotoWorld world;
  AwsTarget aws;
  String zone;
  TrafficRouter router;

  static Map<String, Integer> weights(int east, int west, int eu, int ap) {
    Map<String, Integer> weights = new LinkedHashMap<>();
    weights.put("us-east-1", east);
    weights.put("us-west-2", west);
    weights.put("eu-west-1", eu);
    weights.put("ap-southeast-1", ap);
    return weights;
  }

  @BeforeEach
  void world() {
    world = new MotoWorld(moto);
    zone = world.hostedZone();
    aws = world.target(zone);
    router = new TrafficRouter(world.clients);
    router.apply(aws, weights(40, 20, 20, 20));
  }

  @AfterEach
  void close() {
    world.close();
  }

  @Test
  void aStaleExpectationIsRefusedAndNothingIsWritten() {
    router.apply(aws, weights(50, 50, 0, 0)); // another writer

    TrafficChange change = router.compareAndSet(aws, weights(40, 20, 20, 20), weights(50, 0, 25, 25));

    assertThat(change.conflict()).isTrue();
    assertThat(change.now().weights()).isEqualTo(weights(50, 50, 0, 0));
    assertThat(world.weights(zone)).containsOnly(Map.entry("us-east-1", 50L), Map.entry("us-west-2", 50L),
        Map.entry("eu-west-1", 0L), Map.entry("ap-southeast-1", 0L));

    TrafficChange retried = router.compareAndSet(aws, change.now().weights(), weights(50, 0, 25, 25));

    assertThat(retried.outcome()).isEqualTo(TrafficChange.WRITTEN);
    assertThat(retried.now().weights()).isEqualTo(weights(50, 0, 25, 25));
  }

  @Test
  void theExpectedWeightsAreReplacedAndReadBackAndTheSameWeightsAgainWriteNothing() {
    TrafficChange written = router.compareAndSet(aws, weights(40, 20, 20, 20), weights(50, 0, 25, 25));

    assertThat(written.outcome()).isEqualTo(TrafficChange.WRITTEN);
    assertThat(written.detail()).contains("DELETE us-west-2=20", "CREATE us-west-2=0");
    assertThat(router.compareAndSet(aws, weights(50, 0, 25, 25), weights(50, 0, 25, 25)).outcome())
        .isEqualTo(TrafficChange.UNCHANGED);
  }

  @Test
  void withFailoverRoutingTheHighestWeightIsPrimaryAndTheSameAgainWritesNothing() {
    AwsTarget failover = new AwsTarget(aws.account(), aws.artifactBucket(), aws.lambda(), aws.ecs(),
        new dev.gantry.workflows.api.aws.Route53Settings(zone, MotoWorld.RECORD,
            dev.gantry.workflows.api.aws.Route53Settings.FAILOVER, 60), aws.regions(), 0);

    TrafficChange first = router.compareAndSet(failover, null, weights(0, 20, 50, 30));

    assertThat(first.outcome()).isEqualTo(TrafficChange.WRITTEN);
    assertThat(first.now().weights()).isEqualTo(weights(0, 0, 1, 0));
    assertThat(router.compareAndSet(failover, first.now().weights(), weights(0, 20, 50, 30)).outcome())
        .isEqualTo(TrafficChange.UNCHANGED);
    TrafficChange moved = router.compareAndSet(failover, first.now().weights(), weights(60, 20, 0, 20));
    assertThat(moved.outcome()).isEqualTo(TrafficChange.WRITTEN);
    assertThat(moved.now().weights()).isEqualTo(weights(1, 0, 0, 0));
  }

  @Test
  void goingBackAndForthKeepsWorking() {
    // moto refuses to CREATE a record it created before, even after the same batch's DELETE; the router
    // must still get there (Route 53 itself accepts DELETE + CREATE of the same record)
    Map<String, Integer> expected = weights(40, 20, 20, 20);
    for (Map<String, Integer> next : java.util.List.of(weights(50, 0, 25, 25), weights(100, 0, 0, 0),
        weights(50, 0, 25, 25), weights(40, 20, 20, 20), weights(50, 0, 25, 25))) {
      TrafficChange change = router.compareAndSet(aws, expected, next);
      assertThat(change.outcome()).as("to " + next).isEqualTo(TrafficChange.WRITTEN);
      assertThat(change.now().weights()).isEqualTo(next);
      expected = next;
    }
    assertThat(world.weights(zone)).hasSize(4);
  }
}
