package dev.gantry.worker.demo;

import io.temporal.spring.boot.TemporalOptionsCustomizer;
import io.temporal.testing.TestEnvironmentOptions;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

@Configuration
@Profile("demo")
class DemoConfiguration {

  /** The demo runs in real time, like a real release: no time skipping on the in-process server. */
  @Bean
  TemporalOptionsCustomizer<TestEnvironmentOptions.Builder> realTimeTestServer() {
    return builder -> builder.setUseTimeskipping(false);
  }
}
