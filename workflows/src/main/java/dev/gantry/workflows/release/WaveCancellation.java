package dev.gantry.workflows.release;

import dev.gantry.workflows.api.deploy.RegionDeploymentResult;
import dev.gantry.workflows.support.VersionMarkers;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Fail fast inside a wave: the wave's region workflows run in a cancellation scope of their own; when one
 * of them fails, the scope is cancelled, the others stop what they run (a deploy, a health check, a bake)
 * at once instead of finishing first (their activities wait for the cancellation to complete, so nothing
 * is still changing), and the release's Saga undoes them, in a detached scope, with the regions that had
 * finished. An aborted release cancels them the same way (the wave's scope is a child of the release's).
 * Workflow code.
 *
 * <p>Behind {@code Workflow.getVersion(}{@value VersionMarkers#FAIL_FAST_WAVES}{@code )}, asked once per wave before its
 * regions start: a release recorded before it waits for every region, as it did.
 */
final class WaveCancellation {
  private final Map<String, Promise<RegionDeploymentResult>> running;
  private CancellationScope scope;
  private boolean failFast;
  private String firstFailure;

  WaveCancellation(Map<String, Promise<RegionDeploymentResult>> running) {
    this.running = running;
  }

  /** Starts the wave's regions inside the wave's own cancellation scope. */
  void start(Runnable startRegions) {
    failFast = Workflow.getVersion(VersionMarkers.FAIL_FAST_WAVES, Workflow.DEFAULT_VERSION, 1) >= 1;
    scope = Workflow.newCancellationScope(startRegions);
    scope.run();
  }

  /**
   * Waits until every region ended or one failed; on a failure with regions still running, cancels them.
   * An abort of the release ends the wait: the regions are being cancelled with the release.
   */
  void awaitFirstFailure(Consumer<String> cancelling) {
    if (!failFast) {
      return;
    }
    try {
      Workflow.await(() -> allDone() || failed() != null);
    } catch (CanceledFailure aborted) {
      return; // the release was cancelled: so is the wave's scope; the outcomes are collected by the caller
    }
    String failed = failed();
    if (failed != null && !allDone()) {
      firstFailure = failed;
      cancelling.accept(failed);
      scope.cancel("region " + failed + " failed");
    }
  }

  /** The region whose failure cancelled the others, or null. */
  String firstFailure() {
    return firstFailure;
  }

  /** Why the regions were cancelled, for the status. */
  String reason() {
    return firstFailure != null ? "region " + firstFailure + " failed" : "the release was aborted";
  }

  private boolean allDone() {
    return running.values().stream().allMatch(Promise::isCompleted);
  }

  private String failed() {
    for (Map.Entry<String, Promise<RegionDeploymentResult>> entry : running.entrySet()) {
      Promise<RegionDeploymentResult> promise = entry.getValue();
      if (promise.isCompleted() && promise.getFailure() != null && !cancelled(promise.getFailure())) {
        return entry.getKey();
      }
    }
    return null;
  }

  /** True when the region ended because it was cancelled (it stopped; the compensation undoes it). */
  static boolean cancelled(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof CanceledFailure) {
        return true;
      }
    }
    return false;
  }
}
