package dev.gantry.workflows.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Where an environment's regions are deployed.
 *
 * @param type {@code local} (a directory tree on the worker's machine); more types come with their adapters
 * @param root for {@code local}: the absolute root folder, under which {@code <env>/<region>/} live
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DeployTarget(String type, String root) {
  public static final String LOCAL = "local";
}
