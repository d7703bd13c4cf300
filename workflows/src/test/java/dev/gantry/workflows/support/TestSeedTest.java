package dev.gantry.workflows.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** What a randomised test's failure says: its seed and how to repeat it; a skip stays a skip. */
class TestSeedTest {
  @Test
  void aFailureCarriesTheSeedAndTheCommandToRepeatIt() {
    TestSeed seed = TestSeed.from(null);
    AssertionError original = new AssertionError("expected 3 flips but saw 4");

    Throwable thrown = catchThrowable(() -> seed.handleTestExecutionException(null, original));

    assertThat(thrown).isInstanceOf(AssertionError.class).hasCause(original)
        .hasMessageContaining("expected 3 flips but saw 4")
        .hasMessageContaining("-Dgantry.seed=" + seed.value());
    Throwable crash = catchThrowable(() -> seed.handleBeforeEachMethodExecutionException(null,
        new IllegalStateException("dev server exited")));
    assertThat(crash).isInstanceOf(AssertionError.class)
        .hasMessageContaining("IllegalStateException: dev server exited").hasMessageContaining("seed " + seed.value());
  }

  @Test
  void aSkippedTestStaysSkipped() {
    TestAbortedException skipped = new TestAbortedException("cosign is not installed");
    Throwable thrown = catchThrowable(() -> TestSeed.from(null).handleTestExecutionException(null, skipped));
    assertThat(thrown).isSameAs(skipped);
  }

  @Test
  void theSameSeedGivesTheSameSequence() {
    TestSeed seed = TestSeed.from(null);
    assertThat(seed.random().nextLong()).isEqualTo(seed.random().nextLong());
  }
}
