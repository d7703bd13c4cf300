package dev.gantry.workflows.api.traffic;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * The traffic port: how healthy a region is, and how users' requests are split between the regions of
 * an environment (Route 53 records). Every method is idempotent: weights are set, never added to.
 */
@ActivityInterface(namePrefix = "RegionTraffic.")
public interface RegionTrafficActivities {

  /**
   * Reads every check of one region once (alarms, Route 53 health check, HTTP). An unhealthy region is
   * an answer, not a failure; the activity fails only when it cannot look (no access, bad config).
   */
  @ActivityMethod(name = "RegionTraffic.readRegionHealth")
  RegionHealth readRegionHealth(RegionHealthRequest request);

  /** Sets the weights of the environment's records (UPSERT) and returns them as read back. */
  @ActivityMethod(name = "RegionTraffic.shiftTraffic")
  TrafficWeights shiftTraffic(ShiftTrafficRequest request);

  /**
   * Compare-and-set: reads the records, refuses (outcome {@code conflict}, nothing written) unless they
   * hold {@code expected}, writes the changed records with a batch that DELETEs each exact record read and
   * CREATEs its successor (so a writer in between makes Route 53 refuse the whole batch), and reads back.
   */
  @ActivityMethod(name = "RegionTraffic.setTrafficIfUnchanged")
  TrafficChange setTrafficIfUnchanged(CompareAndSetTrafficRequest request);

  /** The weights the environment's records have now. */
  @ActivityMethod(name = "RegionTraffic.readTraffic")
  TrafficWeights readTraffic(ReadTrafficRequest request);
}
