package dev.gantry.starter.client;

/** A release with this application and version was started before: versions are released once. */
public class ReleaseAlreadyExistsException extends GantryException {
  private final String releaseId;

  public ReleaseAlreadyExistsException(String releaseId) {
    super("release " + releaseId + " already exists: a version is released once. Follow it with"
        + " `gantry release status " + releaseId + "`, or release a new version.");
    this.releaseId = releaseId;
  }

  /** With its own message (a promotion that is running or already succeeded). */
  public ReleaseAlreadyExistsException(String releaseId, String message) {
    super(message);
    this.releaseId = releaseId;
  }

  public String releaseId() {
    return releaseId;
  }
}
