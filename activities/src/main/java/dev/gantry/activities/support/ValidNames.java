package dev.gantry.activities.support;

import dev.gantry.workflows.api.input.Names;
import dev.gantry.workflows.api.temporal.Failures;
import io.temporal.failure.ApplicationFailure;

/**
 * The adapters' check of the names they build paths and keys from, with {@link Names}' strict shapes. A
 * name that does not match is refused for good (a retry cannot fix it), naming the field and showing the
 * value safely.
 */
public final class ValidNames {
  private ValidNames() {}

  /** An application, environment or region name ({@link Names#isName}). */
  public static String name(String field, String value) {
    if (!Names.isName(value)) {
      throw invalid(field, value, "lowercase letters, digits and '-', starting with a letter or digit,"
          + " at most 63 characters");
    }
    return value;
  }

  /** A version ({@link Names#isVersion}). */
  public static String version(String field, String value) {
    if (!Names.isVersion(value)) {
      throw invalid(field, value, "letters, digits, '.', '_', '+' and '-', starting with a letter or digit,"
          + " no '..', at most 128 characters");
    }
    return value;
  }

  private static ApplicationFailure invalid(String field, String value, String shape) {
    return ApplicationFailure.newNonRetryableFailure(field + " " + Names.shown(value) + " is refused: it must be "
        + shape, Failures.INVALID_REQUEST);
  }
}
