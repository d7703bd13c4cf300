package dev.gantry.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What `./gantry demo` runs: the example release on the in-process Temporal, approvals and all, with the
 * example's platform policy (a copy, whose targets are inside the copy) deciding gates and targets.
 */
class DemoTest {
  @TempDir Path example;

  @Test
  void theDemoReleasesTheExampleToEveryRegion() throws Exception {
    Path spec = Examples.copy(example);
    try (ConfigurableApplicationContext demo = new SpringApplicationBuilder(GantryWorkerApplication.class)
        .profiles("demo")
        .run("--gantry.demo.exit=false", "--gantry.demo.spec=" + spec,
            "--gantry.policy.path=" + Examples.policy(example), "--gantry.demo.approval-pause=PT0S")) {
      assertThat(demo.getBean(dev.gantry.worker.demo.DemoRunner.class).exitCode()).isZero();
    }
    assertThat(Examples.policy(example).toAbsolutePath().normalize().getParent()
        .resolve("keys/audit-worker.key.pub")).as("the demo made the worker's audit key beside the example's").exists();
    Path targets = Examples.targets(example);
    for (String region : new String[] {"us-east-1", "us-west-2", "eu-west-1", "ap-southeast-1"}) {
      assertThat(Files.readSymbolicLink(targets.resolve("production").resolve(region).resolve("current")))
          .isEqualTo(Path.of("releases", "1.4.0"));
    }
  }
}
