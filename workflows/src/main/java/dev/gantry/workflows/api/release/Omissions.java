package dev.gantry.workflows.api.release;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * What a release's status leaves out to stay bounded, and how many messages the release refused. The
 * status is also the release's result: kept whole, a flood of messages would grow it past Temporal's
 * 2 MiB blob limit. The audit trail has one event for every message, refused or not.
 *
 * @param timelineLines    older timeline lines no longer kept (lines about refused messages go first)
 * @param refusedApprovals refused approvals no longer listed (the latest are)
 * @param refusedOverrides refused emergency overrides no longer listed (the latest are)
 * @param refusedMessages  messages refused in all: approve, reject, override, freeze, cabDecision, pause,
 *                         resume
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Omissions(int timelineLines, int refusedApprovals, int refusedOverrides, int refusedMessages) {
  public static final Omissions NONE = new Omissions(0, 0, 0, 0);

  /** True if the status lists everything the release recorded. */
  public boolean nothingLeftOut() {
    return timelineLines == 0 && refusedApprovals == 0 && refusedOverrides == 0;
  }
}
