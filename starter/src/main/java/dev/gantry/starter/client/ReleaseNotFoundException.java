package dev.gantry.starter.client;

public class ReleaseNotFoundException extends GantryException {
  public ReleaseNotFoundException(String releaseId) {
    super("no release " + releaseId + " on this Temporal namespace: check the id (release/<app>/<version>)"
        + " and --address/--namespace");
  }
}
