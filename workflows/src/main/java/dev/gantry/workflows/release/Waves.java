package dev.gantry.workflows.release;

import dev.gantry.workflows.api.deploy.DeploymentActivities;
import dev.gantry.workflows.api.deploy.RecordDeploymentRequest;
import dev.gantry.workflows.api.deploy.RegionDeploymentRequest;
import dev.gantry.workflows.api.deploy.RegionDeploymentResult;
import dev.gantry.workflows.api.deploy.RegionState;
import dev.gantry.workflows.api.deploy.RollbackRequest;
import dev.gantry.workflows.api.deploy.RollbackResult;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.EnvironmentState;
import dev.gantry.workflows.api.release.ReleaseIds;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.temporal.Failures;
import dev.gantry.workflows.region.RegionDeploymentWorkflow;
import dev.gantry.workflows.support.ActivityOptionsCatalogue;
import dev.gantry.workflows.support.VersionMarkers;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Saga;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An environment's deployment: its regions in waves (a child workflow per region, a wave in batches of
 * {@code maxParallelRegions}, fail fast within a wave: {@link WaveCancellation}), and the compensation
 * when a region fails: a {@link Saga} that rolls back, all at once, every region it changed. Then the
 * record of what the environment runs. Workflow code.
 */
final class Waves {
  private final DeploymentActivities records =
      Workflow.newActivityStub(DeploymentActivities.class, ActivityOptionsCatalogue.RECORD);
  private final DeploymentActivities rollbacks =
      Workflow.newActivityStub(DeploymentActivities.class, ActivityOptionsCatalogue.ROLLBACK);
  private final ReleaseRun run;
  private final ReleaseSignatures signatures;
  private final OperatorControls controls;
  private final Set<String> unchangedRegions = new HashSet<>();
  /** Regions a wave cancelled (fail fast, an abort), with why: their rollback says so. */
  private final Map<String, String> cancelledRegions = new LinkedHashMap<>();

  Waves(ReleaseRun run, ReleaseSignatures signatures, OperatorControls controls) {
    this.run = run;
    this.signatures = signatures;
    this.controls = controls;
  }

  /** Deploys the environment and tells its change board how it went. */
  void deploy(EnvironmentPlan env) {
    try {
      deployEnvironment(env);
    } catch (TemporalFailure failure) {
      run.gates().closeChange(env, false, "deployment failed: " + FailureReasons.of(failure));
      throw failure;
    }
    run.gates().closeChange(env, true, run.plan().version() + " deployed to " + env.regions().size()
        + " region(s)");
  }

  /** Records the version as deployed in the environment. */
  void record(EnvironmentPlan env) {
    ReleaseRequest request = run.plan();
    records.recordDeployment(new RecordDeploymentRequest(request.releaseId(), request.application(),
        request.version(), request.artifact().digest(), env.name(), env.regions(), env.target()));
    run.progress().log(env.name(), null, "recorded " + request.version() + " as deployed in " + env.name());
  }

  private void deployEnvironment(EnvironmentPlan env) {
    ReleaseProgress progress = run.progress();
    String version = run.plan().version();
    progress.environment(env.name(), EnvironmentState.DEPLOYING, null);
    progress.stage(ReleaseState.RUNNING, "deploy:" + env.name());
    progress.log(env.name(), null, "deploying " + version + " to " + env.regions().size()
        + " region(s) in " + env.waves().size() + " wave(s)");
    run.publish(env.name());

    // The changed regions are rolled back all at once: a region whose cluster or API does not answer (its rollback
    // is retried for up to an hour) must not keep the others on the failed version. Runs from before: in reverse
    // order of the deploys, primary last.
    boolean parallel = Workflow.getVersion(VersionMarkers.PARALLEL_ROLLBACK, Workflow.DEFAULT_VERSION, 1) == 1;
    Saga saga = new Saga(new Saga.Options.Builder().setContinueWithError(true).setParallelCompensation(parallel)
        .build());
    List<String> failures = new ArrayList<>();
    for (List<String> wave : env.waves()) {
      controls.holdWhilePaused(env.name());
      for (List<String> batch : batchesOf(env, wave)) {
        failures.addAll(deployWave(env, batch, saga));
        if (!failures.isEmpty()) {
          break;
        }
      }
      if (!failures.isEmpty()) {
        break;
      }
    }
    if (failures.isEmpty()) {
      progress.environment(env.name(), EnvironmentState.DEPLOYED, null);
      progress.log(env.name(), null, "all regions healthy on " + version);
      return;
    }
    String rollback = rollBack(env, saga);
    boolean anyRolledBack = env.regions().stream()
        .anyMatch(region -> progress.region(env.name(), region).state() == RegionState.ROLLED_BACK);
    progress.environment(env.name(), anyRolledBack ? EnvironmentState.ROLLED_BACK : EnvironmentState.FAILED,
        null);
    throw ApplicationFailure.newNonRetryableFailure(
        env.name() + ": " + String.join("; ", failures) + ". " + rollback, Failures.REGION_FAILED);
  }

  /**
   * A wave as it is run: whole, or in batches of {@code maxParallelRegions} (in config order; a batch
   * starts when the previous one is healthy). Versioned: releases started before the limit existed
   * replay as one batch per wave.
   */
  private static List<List<String>> batchesOf(EnvironmentPlan env, List<String> wave) {
    Integer limit = env.maxParallelRegions();
    if (limit == null || limit < 1 || wave.size() <= limit
        || Workflow.getVersion(VersionMarkers.MAX_PARALLEL_REGIONS, Workflow.DEFAULT_VERSION, 1)
            == Workflow.DEFAULT_VERSION) {
      return List.of(wave);
    }
    List<List<String>> batches = new ArrayList<>();
    for (int from = 0; from < wave.size(); from += limit) {
      batches.add(wave.subList(from, Math.min(wave.size(), from + limit)));
    }
    return batches;
  }

  /**
   * Starts every region of the wave at once, waits for all of them, returns the failures. Fail fast
   * ({@link WaveCancellation}): the first region to fail cancels the others of the wave, which stop what
   * they run at once; the Saga rolls them back.
   */
  private List<String> deployWave(EnvironmentPlan env, List<String> wave, Saga saga) {
    ReleaseProgress progress = run.progress();
    Map<String, Promise<RegionDeploymentResult>> running = new LinkedHashMap<>();
    WaveCancellation cancellation = new WaveCancellation(running);
    cancellation.start(() -> startWave(env, wave, saga, running));
    cancellation.awaitFirstFailure(region -> progress.log(env.name(), null, "region " + region + " failed:"
        + " cancelling the other regions of the wave"));
    List<String> failures = new ArrayList<>();
    for (Map.Entry<String, Promise<RegionDeploymentResult>> entry : running.entrySet()) {
      String region = entry.getKey();
      try {
        RegionDeploymentResult result = entry.getValue().get();
        if (result.alreadyCurrent()) {
          unchangedRegions.add(env.name() + "/" + region);
        }
        String detail = (result.alreadyCurrent() ? run.plan().version() + " was already current; " : "")
            + "healthy: " + result.health();
        progress.region(env.name(), region, RegionState.DEPLOYED, result.previousVersion(), detail);
        progress.log(env.name(), region, detail
            + (result.previousVersion() == null ? "" : " (was " + result.previousVersion() + ")"));
      } catch (RuntimeException failure) {
        if (WaveCancellation.cancelled(failure)) {
          // stopped; the Saga rolls it back (undoRegion says how) or finds nothing of ours there
          String detail = "cancelled (" + cancellation.reason() + ")";
          cancelledRegions.put(env.name() + "/" + region, detail);
          progress.region(env.name(), region, RegionState.SKIPPED, null, detail + " before it changed anything");
          progress.log(env.name(), region, detail);
          if (cancellation.firstFailure() == null) {
            failures.add("region " + region + " " + detail);
          }
          continue;
        }
        String reason = FailureReasons.of(failure);
        progress.region(env.name(), region, RegionState.FAILED, null, reason);
        progress.log(env.name(), region, "failed: " + reason);
        failures.add("region " + region + " failed: " + reason);
      }
    }
    return failures;
  }

  private void startWave(EnvironmentPlan env, List<String> wave, Saga saga,
      Map<String, Promise<RegionDeploymentResult>> running) {
    ReleaseRequest request = run.plan();
    boolean verifying = signatures.verifying();
    for (String region : wave) {
      // With signature gates, the region verifies again right before its deploy step.
      RegionDeploymentRequest regionRequest = new RegionDeploymentRequest(request.releaseId(),
          request.application(), request.version(), request.artifact(), env.name(), region,
          env.target(), env.healthCheck(), verifying ? env.verification() : null,
          verifying ? run.progress().signatures() : null, env.rollout());
      // The undo is registered before the side effect; it is a no-op where the version never landed.
      saga.addCompensation(() -> undoRegion(env, region));
      RegionDeploymentWorkflow child = Workflow.newChildWorkflowStub(RegionDeploymentWorkflow.class,
          ChildWorkflowOptions.newBuilder()
              .setWorkflowId(ReleaseIds.region(request.releaseId(), env.name(), region))
              .build());
      run.progress().region(env.name(), region, RegionState.DEPLOYING, null, "deploying " + request.version());
      run.progress().log(env.name(), region, "deploying " + request.version());
      running.put(region, Async.function(child::deploy, regionRequest));
    }
  }

  private String rollBack(EnvironmentPlan env, Saga saga) {
    ReleaseProgress progress = run.progress();
    progress.log(env.name(), null, "rolling back the regions changed in " + env.name());
    run.publish(env.name());
    try {
      Workflow.newDetachedCancellationScope(saga::compensate).run();
    } catch (Saga.CompensationException incomplete) {
      progress.log(env.name(), null, "rollback incomplete: " + FailureReasons.of(incomplete)
          + "; manual action needed");
    }
    List<String> rolledBack = new ArrayList<>();
    List<String> stuck = new ArrayList<>();
    for (String region : env.regions()) {
      RegionState state = progress.region(env.name(), region).state();
      if (state == RegionState.ROLLED_BACK) {
        String to = progress.region(env.name(), region).previousVersion();
        rolledBack.add(region + " (to " + (to == null ? "no earlier version" : to) + ")");
      } else if (state == RegionState.DEPLOYED || state == RegionState.ROLLING_BACK) {
        stuck.add(region);
      }
    }
    String summary = rolledBack.isEmpty()
        ? "No other region had been changed."
        : "Rolled back " + String.join(", ", rolledBack) + ".";
    if (!stuck.isEmpty()) {
      summary += " ROLLBACK FAILED in " + String.join(", ", stuck) + ": manual action needed.";
    }
    return summary;
  }

  private void undoRegion(EnvironmentPlan env, String region) {
    ReleaseRequest request = run.plan();
    ReleaseProgress progress = run.progress();
    if (unchangedRegions.contains(env.name() + "/" + region)) {
      // The version was live there before this release: there is nothing of ours to undo.
      progress.log(env.name(), region, "left as it was: " + request.version() + " ran there before this release");
      return;
    }
    if (progress.region(env.name(), region).state() == RegionState.DEPLOYED) {
      progress.region(env.name(), region, RegionState.ROLLING_BACK, null, "rolling back");
    }
    RollbackResult result = rollbacks.rollback(new RollbackRequest(request.releaseId(),
        request.application(), request.version(), env.name(), region, env.target(),
        "another region of " + env.name() + " failed"));
    if (result.changed()) {
      String cancelled = cancelledRegions.get(env.name() + "/" + region);
      String outcome = (cancelled == null ? "" : cancelled + ": ") + FailureReasons.rolledBackTo(result.restoredVersion());
      progress.region(env.name(), region, RegionState.ROLLED_BACK, result.restoredVersion(), outcome);
      progress.log(env.name(), region, outcome);
    }
  }
}
