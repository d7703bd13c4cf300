package dev.gantry.worker;

import dev.gantry.worker.dev.LocalTemporal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The Gantry worker. Three ways to run it:
 * <ul>
 *   <li>{@code worker}: connect to the Temporal service at {@code GANTRY_ADDRESS} and serve releases;</li>
 *   <li>{@code dev}: first start a local Temporal on 127.0.0.1:7233, then serve (for the CLI);</li>
 *   <li>{@code demo}: in-process Temporal, run the example release end to end, print the report, exit.</li>
 * </ul>
 */
@SpringBootApplication
public class GantryWorkerApplication {

  public static void main(String[] args) {
    List<String> rest = new ArrayList<>(Arrays.asList(args));
    String mode = rest.isEmpty() || rest.get(0).startsWith("-") ? "worker" : rest.remove(0);
    SpringApplication app = new SpringApplication(GantryWorkerApplication.class);
    switch (mode) {
      case "worker" -> app.setAdditionalProfiles("worker");
      case "dev" -> {
        LocalTemporal.start(rest);
        app.setAdditionalProfiles("dev");
      }
      case "demo" -> app.setAdditionalProfiles("demo");
      default -> {
        System.err.println("error: unknown mode '" + mode + "': use worker, dev or demo");
        System.exit(2);
      }
    }
    app.run(rest.toArray(new String[0]));
  }
}
