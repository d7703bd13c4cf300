package dev.gantry.starter.client;

import java.util.List;

public class ReleaseNotFoundException extends GantryException {
  public ReleaseNotFoundException(String releaseId) {
    this(releaseId, List.of());
  }

  public ReleaseNotFoundException(String releaseId, List<String> nearMatches) {
    super("no release " + releaseId + " on this Temporal namespace"
        + (nearMatches.isEmpty() ? ": check the id (release/<app>/<version>) and --address/--namespace"
            : "; did you mean " + String.join(", ", nearMatches) + "?"));
  }
}
