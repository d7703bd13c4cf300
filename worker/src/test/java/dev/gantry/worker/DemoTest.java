package dev.gantry.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** What `./gantry demo` runs: the example release on the in-process Temporal, approvals and all. */
class DemoTest {
  @TempDir Path targets;

  @Test
  void theDemoReleasesTheExampleToEveryRegion() throws Exception {
    try (ConfigurableApplicationContext demo = new SpringApplicationBuilder(GantryWorkerApplication.class)
        .profiles("demo")
        .run("--gantry.demo.exit=false", "--gantry.demo.spec=../examples/release.yaml",
            "--gantry.demo.target-root=" + targets, "--gantry.demo.approval-pause=PT0S")) {
      assertThat(demo.getBean(dev.gantry.worker.demo.DemoRunner.class).exitCode()).isZero();
    }
    try (Stream<Path> runs = Files.list(targets)) {
      Path run = runs.findFirst().orElseThrow();
      for (String region : new String[] {"us-east-1", "us-west-2", "eu-west-1", "ap-southeast-1"}) {
        assertThat(Files.readSymbolicLink(run.resolve("production").resolve(region).resolve("current")))
            .isEqualTo(Path.of("releases", "1.4.0"));
      }
    }
  }
}
