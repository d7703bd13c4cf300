package dev.gantry.worker.dev;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Profile;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/** Tells the person who ran {@code ./gantry dev} what to do next. */
@Component
@Profile("dev")
@Order(10)
class DevBanner implements ApplicationRunner {
  @Override
  public void run(ApplicationArguments args) {
    System.out.println("""
        gantry dev: worker ready on task queue gantry-release. In another terminal:
          ./gantry release start examples/release.yaml
          ./gantry release watch release/hello-service/1.4.0
          ./gantry release approve release/hello-service/1.4.0 --as alice
        Stop with Ctrl-C.""");
  }
}
