package dev.gantry.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.activities.aws.AwsClients;
import dev.gantry.activities.aws.AwsSettings;
import dev.gantry.activities.aws.TrafficRouter;
import dev.gantry.activities.support.MotoServer;
import dev.gantry.starter.spec.ReleaseSpecLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

/**
 * Issue #16's finding, replayed through the CLI, the Spring worker and the real Temporal dev server with moto
 * as AWS: one region drained by hand, then alarms in the three others at once. The traffic owner ends at the
 * rules (here: fail closed, the drained region never gets traffic back), and a failback needs an approver.
 */
@RealPeers
class RegionTrafficEndToEndTest {
  static final List<String> REGIONS = List.of("us-east-1", "us-west-2", "eu-west-1", "ap-southeast-1");
  @RegisterExtension static final MotoServer moto = MotoServer.perClass();
  @TempDir Path dir;
  AwsClients aws;
  String zone;
  String address;

  @Test
  // the worker has to run while the test drives releases through Temporal; the body never names it
  @SuppressWarnings("try")
  void aDrainAndThreeAlarmsAtOnceEndAtTheRulesThroughTheCli() throws Exception {
    aws = new AwsClients(new AwsSettings(moto.endpoint(), "testing", "testing"));
    zone = aws.route53().createHostedZone(b -> b.name("example.com").callerReference("e2e")).hostedZone().id();
    for (String region : REGIONS) {
      aws.cloudWatch(region).putMetricAlarm("hello-5xx-" + region, "hello", "5xx", 5.0);
      aws.cloudWatch(region).setState("hello-5xx-" + region, "OK", "test");
    }
    TestPolicy policy = writeSpecs();
    var plan = new ReleaseSpecLoader().loadEnvironment(dir.resolve("release.yaml"), "production");
    new TrafficRouter(aws).apply(plan.target().aws(), weights(40, 20, 20, 20));
    try (TemporalPeer temporal = TemporalPeer.start(TemporalPeer.Kind.DEV_SERVER);
        ConfigurableApplicationContext worker = CliEndToEndTest.startWorker(temporal.address(), policy.dir(),
            "--gantry.aws.endpoint=" + moto.endpoint(), "--gantry.aws.access-key-id=testing",
            "--gantry.aws.secret-access-key=testing")) {
      address = temporal.address();

      var drained = region("drain", "hello-service", "production", "us-west-2", "--reason", "INC-4711 bad host",
          "--as", "dana", "--poll", "1");

      assertThat(drained.exitCode()).as(drained.out() + drained.err()).isZero();
      assertThat(drained.out()).contains("us-west-2: DRAINED: drained by dana");
      assertThat(route53()).isEqualTo(weights(50, 0, 25, 25));

      for (String region : List.of("us-east-1", "eu-west-1", "ap-southeast-1")) {
        aws.cloudWatch(region).setState("hello-5xx-" + region, "ALARM", "test");
      }
      String closed = awaitStatus(out -> out.contains("FAIL CLOSED"));
      assertThat(closed).contains("NO REGION CAN TAKE TRAFFIC", "us-west-2: DRAINED (healthy) weight 0");
      assertThat(route53()).as("fail closed: the last weights stay").isEqualTo(weights(50, 0, 25, 25));

      aws.cloudWatch("eu-west-1").setState("hello-5xx-eu-west-1", "OK", "test");
      awaitStatus(out -> out.contains("eu-west-1: FAILED_OVER (healthy)"));
      var mallory = region("failback", "hello-service", "production", "eu-west-1", "--as", "mallory");
      assertThat(mallory.exitCode()).isEqualTo(1);
      assertThat(mallory.err() + mallory.out()).contains("mallory may not approve a failback here");

      var back = region("failback", "hello-service", "production", "eu-west-1", "--as", "carol", "--comment", "ok");

      assertThat(back.exitCode()).as(back.out() + back.err()).isZero();
      assertThat(back.out()).contains("eu-west-1: SERVING: traffic restored");
      assertThat(route53()).isEqualTo(weights(0, 0, 100, 0));
      String status = awaitStatus(out -> !out.contains("FAIL CLOSED"));
      assertThat(status).contains("us-west-2: DRAINED (healthy) weight 0", "eu-west-1: SERVING (healthy) weight 100");
    }
  }

  CliEndToEndTest.Run region(String... args) {
    List<String> all = new java.util.ArrayList<>(List.of("region"));
    all.addAll(List.of(args));
    all.addAll(List.of("--spec", dir.resolve("release.yaml").toString(), "--address", address));
    return CliEndToEndTest.cli(all.toArray(new String[0]));
  }

  String awaitStatus(Predicate<String> expected) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    String out = "";
    while (System.nanoTime() < deadline) {
      out = region("status", "hello-service", "production").out();
      if (expected.test(out)) {
        return out;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("status never matched; last:\n" + out);
  }

  Map<String, Integer> route53() {
    Map<String, Integer> weights = new LinkedHashMap<>();
    REGIONS.forEach(region -> weights.put(region, 0));
    for (ResourceRecordSet record : aws.route53().listResourceRecordSets(b -> b.hostedZoneId(zone)).resourceRecordSets()) {
      if (record.setIdentifier() != null && record.weight() != null) {
        weights.put(record.setIdentifier(), record.weight().intValue());
      }
    }
    return weights;
  }

  static Map<String, Integer> weights(int east, int west, int eu, int ap) {
    Map<String, Integer> weights = new LinkedHashMap<>();
    weights.put("us-east-1", east);
    weights.put("us-west-2", west);
    weights.put("eu-west-1", eu);
    weights.put("ap-southeast-1", ap);
    return weights;
  }

  private TestPolicy writeSpecs() throws Exception {
    StringBuilder regions = new StringBuilder();
    for (String region : REGIONS) {
      regions.append("      ").append(region).append(": {alarms: [hello-5xx-").append(region).append("], weight: ")
          .append("us-east-1".equals(region) ? 40 : 20).append(", endpoint: hello-").append(region)
          .append(".example.com}\n");
    }
    TestPolicy policy = TestPolicy.in(dir).application("hello-service", "production")
        .environment("production", """
            regions: [{name: us-east-1, primary: true}, {name: us-west-2}, {name: eu-west-1}, {name: ap-southeast-1}]
            target:
              type: lambda
              aws:
                account: "123456789012"
                artifactBucket: gantry-artifacts-{region}
                lambda: {functionName: hello-service, alias: live}
                route53: {hostedZoneId: "%s", recordName: api.hello.example.com, routing: weighted, ttlSeconds: 60}
                healthyForSeconds: 0
                regions:
            %s
            approval: {required: true, approvers: [carol], signedApprovals: false}
            verification: {required: false}
            """.formatted(zone, regions.toString().stripTrailing().replaceAll("(?m)^      ", "      ")));
    policy.write();
    policy.artifact("hello-service.zip", "not really a zip\n");
    Files.writeString(dir.resolve("release.yaml"), """
        application: hello-service
        version: 1.4.0
        requestedBy: ci
        artifact: {file: artifacts/hello-service.zip}
        promotion: [production]
        policy: policy
        """);
    return policy;
  }
}
