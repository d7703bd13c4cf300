package dev.gantry.worker;

import org.junit.jupiter.api.Assumptions;

/**
 * The one way an end-to-end test says it needs a real peer (the Temporal dev server, cosign, Chromium, ...):
 * on a laptop a missing peer skips the test (reported as skipped, never as passed); on CI (the environment
 * variable {@code CI} is set, as every CI service sets it) a missing peer fails the test, so that a build
 * whose tools went missing cannot look green.
 */
final class Peers {
  private Peers() {}

  /** Skips the test when {@code present} is false, or fails it on CI; {@code why} says what to install. */
  static void require(boolean present, String why) {
    if (present) {
      return;
    }
    if (onCi()) {
      throw new AssertionError(why + " (CI is set: on CI a missing test peer fails the build instead of"
          + " skipping the test)");
    }
    Assumptions.abort(why);
  }

  /** True when the environment variable CI is set to anything but empty, {@code false} or {@code 0}. */
  static boolean onCi() {
    String ci = System.getenv("CI");
    return ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false") && !ci.equals("0");
  }
}
