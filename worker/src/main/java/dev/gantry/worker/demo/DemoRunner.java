package dev.gantry.worker.demo;

import dev.gantry.starter.client.GantryClient;
import dev.gantry.starter.client.ReleaseWatch;
import dev.gantry.starter.client.StatusView;
import dev.gantry.starter.spec.ReleaseSpecLoader;
import dev.gantry.workflows.api.approval.ApprovalSignal;
import dev.gantry.workflows.api.approval.OverrideSignal;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.ReleaseStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.WorkerFactory;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Profile;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * {@code ./gantry demo}: releases the example application through dev, staging and production on the
 * in-process Temporal, approving production as the example approvers, and prints the report.
 */
@Component
@Profile("demo")
@Order(10)
public class DemoRunner implements ApplicationRunner, ExitCodeGenerator {
  private final WorkflowClient workflowClient;
  private final WorkerFactory workers;
  private final ApplicationContext context;
  private final Path spec;
  private final Duration approvalPause;
  private final boolean exitWhenDone;
  private final List<String> demoApprovers;
  private final String emergencyApprover;
  private final Path policyPath;
  private final PrintStream out = System.out;
  private int exitCode = 1;

  DemoRunner(WorkflowClient workflowClient, WorkerFactory workers, ApplicationContext context,
      @Value("${gantry.demo.spec:examples/release.yaml}") Path spec,
      @Value("${gantry.policy.path}") Path policyPath,
      @Value("${gantry.demo.approval-pause:PT1S}") Duration approvalPause,
      @Value("${gantry.demo.exit:true}") boolean exitWhenDone,
      @Value("${gantry.demo.approvers:alice,carol}") List<String> demoApprovers,
      @Value("${gantry.demo.emergency-approver:erin}") String emergencyApprover) {
    this.emergencyApprover = emergencyApprover;
    this.demoApprovers = demoApprovers;
    this.workflowClient = workflowClient;
    this.workers = workers;
    this.context = context;
    this.spec = spec;
    this.policyPath = policyPath.toAbsolutePath().normalize();
    this.approvalPause = approvalPause;
    this.exitWhenDone = exitWhenDone;
  }

  @Override
  public void run(ApplicationArguments args) throws Exception {
    long started = System.nanoTime();
    // The starter would start the workers once the application is ready, which is after this runner.
    workers.start();
    ReleaseRequest request = new ReleaseSpecLoader().load(spec);
    GantryClient gantry = new GantryClient(workflowClient);
    out.printf("%nGantry demo: releasing %s %s (%s)%n  request: %s%n  policy:  %s (gates, targets, health checks,"
        + " signing key)%n%n", request.application(), request.version(), request.artifact().digest(), spec,
        policyPath);
    String releaseId = gantry.startRelease(request);

    Set<String> approved = new HashSet<>();
    Set<String> overridden = new HashSet<>();
    ReleaseStatus last = new ReleaseWatch(gantry, Duration.ofMillis(200)).follow(releaseId,
        Duration.ofMinutes(10), new ReleaseWatch.Listener() {
          @Override
          public void onEntry(dev.gantry.workflows.api.release.TimelineEntry entry) {
            out.println(StatusView.line(entry));
          }

          @Override
          public void onPoll(ReleaseStatus status) {
            showRolloutSteps(status);
          }

          @Override
          public void onStatus(ReleaseStatus status) {
            if (status.state() == ReleaseState.WAITING && status.stage().startsWith("window:")
                && overridden.add(status.stage())) {
              overrideWindow(gantry, releaseId, status);
            }
            if (status.state() == ReleaseState.AWAITING_APPROVAL) {
              String env = status.stage().substring("approval:".length());
              if (approved.add(env)) {
                approveAsExampleApprovers(gantry, releaseId, request, env, status);
              }
            }
          }
        });

    out.println();
    out.print(StatusView.render(last));
    out.printf("%ndemo finished in %.1f s: %s. Deployed folders are under the target roots of %s%n",
        (System.nanoTime() - started) / 1e9, last.state(), policyPath.resolve("environments"));
    exitCode = last.state() == ReleaseState.SUCCEEDED ? 0 : 1;
    if (exitWhenDone) {
      System.exit(SpringApplication.exit(context, this));
    }
  }

  private final java.util.Map<String, String> rolloutShown = new java.util.HashMap<>();

  /** The canary's steps as they happen (the region workflows hold them; the client merges them in). */
  private void showRolloutSteps(ReleaseStatus status) {
    for (var env : status.environments()) {
      for (var region : env.regions()) {
        if (region.rollout() == null) {
          continue;
        }
        String line = StatusView.regionDetail(region).split("\n")[0];
        String key = env.environment() + "/" + region.region();
        String seen = line.replaceAll(", next \\d\\d:\\d\\d UTC", "");
        if (!seen.equals(rolloutShown.put(key, seen))) {
          out.printf("          %-28s %s%n", key, line);
        }
      }
    }
  }

  private void approveAsExampleApprovers(GantryClient gantry, String releaseId, ReleaseRequest request,
      String environment, ReleaseStatus status) {
    List<String> approvers = demoApprovers.stream()
        .filter(name -> !name.equals(request.requestedBy()))
        .limit(approvalsNeeded(status, environment))
        .toList();
    out.printf("%n  >> %s waits for approval; approving as the example approvers %s%n%n", environment,
        approvers);
    sleep(approvalPause);
    for (String approver : approvers) {
      gantry.approve(releaseId, new ApprovalSignal(approver, "demo approval", environment,
          request.artifact().digest()));
    }
  }

  /** The gate says how many it waits for ("2 approval(s) from ..."); policy, not the demo, decides. */
  private static long approvalsNeeded(ReleaseStatus status, String environment) {
    return status.environments().stream().filter(e -> e.environment().equals(environment))
        .map(e -> e.waitingFor() == null ? "" : e.waitingFor())
        .map(waiting -> waiting.replaceAll("^(\\d+) approval.*", "$1"))
        .filter(count -> count.matches("\\d+")).mapToLong(Long::parseLong).findFirst().orElse(Long.MAX_VALUE);
  }

  /** Outside office hours the example's production window is closed: the demo shows an override. */
  private void overrideWindow(GantryClient gantry, String releaseId, ReleaseStatus status) {
    String environment = status.stage().substring("window:".length());
    String waiting = status.environments().stream().filter(e -> e.environment().equals(environment))
        .map(e -> e.waitingFor()).findFirst().orElse("");
    out.printf("%n  >> %s is held: %s.%n  >> A real release would wait for the window; the demo overrides it as"
        + " %s (emergency-approvers), which is recorded and opens a follow-up review.%n%n",
        environment, waiting, emergencyApprover);
    sleep(approvalPause);
    gantry.override(releaseId, new OverrideSignal(emergencyApprover, "window",
        "demo run outside the deployment window", "DEMO-1", environment, null));
  }

  public int exitCode() {
    return exitCode;
  }

  @Override
  public int getExitCode() {
    return exitCode;
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
