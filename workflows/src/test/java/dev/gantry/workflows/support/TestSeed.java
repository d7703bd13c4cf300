package dev.gantry.workflows.support;

import java.util.Random;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

/**
 * The seed of a randomised test (a fuzzer, the crash test): taken from {@code -Dgantry.seed=<n>} when given,
 * else from the test's own older property (e.g. {@code gantry.fuzz.seed}), else from {@link System#nanoTime()}.
 * Registered as an extension ({@code @RegisterExtension static final TestSeed SEED = TestSeed.from(...)}) it
 * puts the seed and the way to repeat the run into the message of every failure of the class, whatever threw
 * it, so a red run on CI can be repeated exactly: {@code -Dgantry.seed=<n>} with the same test selection.
 * A skipped test (an aborted assumption, e.g. a missing peer) stays skipped.
 */
public final class TestSeed implements TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {
  /** The one property every randomised test reads. */
  public static final String PROPERTY = "gantry.seed";

  private final long value;

  private TestSeed(long value) {
    this.value = value;
  }

  /** {@code -Dgantry.seed}, else {@code -D<olderProperty>} (kept so documented commands still work), else now. */
  public static TestSeed from(String olderProperty) {
    Long given = Long.getLong(PROPERTY);
    if (given == null && olderProperty != null) {
      given = Long.getLong(olderProperty);
    }
    return new TestSeed(given != null ? given : System.nanoTime());
  }

  public long value() {
    return value;
  }

  /** A new generator on this seed: each call starts the same sequence again. */
  public Random random() {
    return new Random(value);
  }

  /** What a failure says about the seed: {@code seed 42 (repeat with -Dgantry.seed=42)}. */
  public String repeat() {
    return "seed " + value + " (repeat with -D" + PROPERTY + "=" + value + ")";
  }

  @Override
  public String toString() {
    return repeat();
  }

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
    throw withSeed(failure);
  }

  @Override
  public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable failure)
      throws Throwable {
    throw withSeed(failure);
  }

  @Override
  public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable failure)
      throws Throwable {
    throw withSeed(failure);
  }

  @Override
  public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable failure)
      throws Throwable {
    throw withSeed(failure);
  }

  @Override
  public void handleAfterAllMethodExecutionException(ExtensionContext context, Throwable failure)
      throws Throwable {
    throw withSeed(failure);
  }

  private Throwable withSeed(Throwable failure) {
    if (failure instanceof TestAbortedException || String.valueOf(failure.getMessage()).contains(repeat())) {
      return failure;
    }
    String message = failure instanceof AssertionError
        ? failure.getMessage()
        : failure.getClass().getName() + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
    return new AssertionError(message + "\n[" + repeat() + "]", failure);
  }
}
