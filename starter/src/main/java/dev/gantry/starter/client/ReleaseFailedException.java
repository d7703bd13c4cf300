package dev.gantry.starter.client;

import dev.gantry.workflows.api.release.ReleaseStatus;

/** The release ended without reaching every environment; {@link #status()} has the whole picture. */
public class ReleaseFailedException extends GantryException {
  private final transient ReleaseStatus status;

  public ReleaseFailedException(String releaseId, String reason, ReleaseStatus status) {
    super("release " + releaseId + " failed: " + reason);
    this.status = status;
  }

  public ReleaseStatus status() {
    return status;
  }
}
