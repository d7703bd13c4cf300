package dev.gantry.starter.client;

/**
 * The release exists but has ended: it takes no approval, rejection, override, pause or abort any more.
 * Temporal answers a message to a closed workflow as if there were none; this says what became of it.
 */
public class ReleaseClosedException extends GantryException {
  private final transient ReleaseExecution execution;

  public ReleaseClosedException(ReleaseExecution execution, String what) {
    super("release " + execution.releaseId() + " already ended: " + execution.state(null)
        + (execution.closedAt() == null ? "" : " at " + execution.closedAt())
        + (execution.closeReason() == null ? "" : " (" + execution.closeReason() + ")")
        + ", so it takes no " + what + " any more; see `gantry release status " + execution.releaseId() + "`");
    this.execution = execution;
  }

  public ReleaseExecution execution() {
    return execution;
  }
}
