package dev.gantry.workflows.api.temporal;

/** Task queue names. Pinned: renaming one strands the releases in flight. */
public final class TaskQueues {
  private TaskQueues() {}

  /** Release and region workflows, and the deployment activities of the {@code local} target. */
  public static final String RELEASE = "gantry-release";
}
