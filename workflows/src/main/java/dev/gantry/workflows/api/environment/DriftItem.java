package dev.gantry.workflows.api.environment;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One difference between the declared and the actual state.
 *
 * @param kind     {@code version}, {@code digest}, {@code region}, {@code parameter}, {@code secret},
 *                 {@code traffic}
 * @param region   where (null for per-environment stores)
 * @param key      the parameter's name, or the region
 * @param expected what was declared ({@code (absent)} when it should not exist)
 * @param actual   what the target has ({@code (absent)} when missing)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DriftItem(String kind, String region, String key, String expected, String actual) {
  public static final String ABSENT = "(absent)";

  public String line() {
    return kind + " " + (region == null ? "" : region + " ") + key + ": expected " + expected + ", actual " + actual;
  }
}
