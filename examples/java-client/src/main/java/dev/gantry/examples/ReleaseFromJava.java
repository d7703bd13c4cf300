package dev.gantry.examples;

import dev.gantry.starter.client.GantryClient;
import dev.gantry.starter.client.ReleaseAlreadyExistsException;
import dev.gantry.starter.client.ReleaseWatch;
import dev.gantry.starter.client.StatusView;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.ReleaseStatus;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A service hands a build to Gantry: start the release from its spec, follow it until it ends or waits
 * for people, print where it is. Run it against `./gantry dev`:
 *
 * <pre>
 * java -cp "examples/java-client/target/classes:starter/target/gantry-cli.jar" \
 *     dev.gantry.examples.ReleaseFromJava 127.0.0.1:7233 examples/release.yaml
 * </pre>
 * The worker resolves the plan (gates, targets, health checks) from its own policy (examples/policy under
 * {@code ./gantry dev}); the spec only says what to release.
 */
public final class ReleaseFromJava {
  private ReleaseFromJava() {}

  public static void main(String[] args) {
    if (args.length != 2) {
      System.err.println("usage: ReleaseFromJava <temporal address> <release spec>");
      System.exit(2);
    }
    ReleaseStatus status = release(args[0], Path.of(args[1]), Duration.ofMinutes(10), System.out);
    System.exit(status.state() == ReleaseState.FAILED ? 1 : 0);
  }

  /** Starts (or rejoins) the release and follows it until it ends or waits for a person. */
  public static ReleaseStatus release(String address, Path spec, Duration deadline, PrintStream out) {
    try (GantryClient gantry = GantryClient.connect(address, "default")) {
      String releaseId;
      try {
        releaseId = gantry.startRelease(spec);
        out.println("started " + releaseId);
      } catch (ReleaseAlreadyExistsException e) {
        releaseId = e.releaseId();
        out.println("following " + releaseId + " (already started)");
      }
      ReleaseStatus last = new ReleaseWatch(gantry, Duration.ofMillis(500))
          .follow(releaseId, deadline, new ReleaseWatch.Listener() {
            @Override
            public void onEntry(dev.gantry.workflows.api.release.TimelineEntry entry) {
              out.println(StatusView.line(entry));
            }
          }, status -> status.state() != ReleaseState.RUNNING);
      out.print(StatusView.render(last));
      return last;
    }
  }
}
