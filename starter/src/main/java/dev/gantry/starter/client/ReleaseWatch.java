package dev.gantry.starter.client;

import dev.gantry.workflows.api.release.ReleaseStatus;
import dev.gantry.workflows.api.release.TimelineEntry;
import java.time.Duration;
import java.util.List;

/**
 * Follows a release by polling its {@code status} query, handing each new timeline entry and each
 * changed picture to the caller, until the release ends or the deadline passes.
 */
public final class ReleaseWatch {
  public interface Listener {
    void onEntry(TimelineEntry entry);

    default void onStatus(ReleaseStatus status) {}

    /** Every status read, changed or not (a live view redraws on it). */
    default void onPoll(ReleaseStatus status) {}
  }

  private final GantryClient gantry;
  private final Duration pollInterval;

  public ReleaseWatch(GantryClient gantry, Duration pollInterval) {
    this.gantry = gantry;
    this.pollInterval = pollInterval;
  }

  /** Returns the last status seen: final, or the one at the deadline. */
  public ReleaseStatus follow(String releaseId, Duration deadline, Listener listener) {
    return follow(releaseId, deadline, listener, status -> false);
  }

  /** Like {@link #follow(String, Duration, Listener)}, also stopping as soon as {@code stopWhen} holds. */
  public ReleaseStatus follow(String releaseId, Duration deadline, Listener listener,
      java.util.function.Predicate<ReleaseStatus> stopWhen) {
    long begin = System.nanoTime();
    long end = begin + deadline.toNanos();
    int seen = 0; // the number of the last timeline line handed over
    boolean answered = false;
    ReleaseStatus status;
    String lastStage = null;
    while (true) {
      try {
        status = gantry.status(releaseId);
      } catch (GantryException notYet) {
        // Right after a start the first workflow task may not have run yet: give it a few seconds.
        if (answered || System.nanoTime() - begin > 15_000_000_000L) {
          throw notYet;
        }
        sleep(pollInterval);
        continue;
      }
      answered = true;
      listener.onPoll(status);
      seen = handOver(status.timeline(), seen, listener);
      String stage = status.state() + "/" + status.stage();
      if (!stage.equals(lastStage)) {
        listener.onStatus(status);
        lastStage = stage;
      }
      if (status.state().isFinal() || stopWhen.test(status) || System.nanoTime() > end) {
        return status;
      }
      sleep(pollInterval);
    }
  }

  /**
   * Hands over the lines numbered after {@code seen}, returns the last number handed over. The release
   * keeps only its latest lines (older ones, refusals first, are dropped), so a line is known by its number,
   * not by its place; lines of releases started before the numbers are numbered by place.
   */
  static int handOver(List<TimelineEntry> timeline, int seen, Listener listener) {
    int last = seen;
    for (int i = 0; i < timeline.size(); i++) {
      TimelineEntry entry = timeline.get(i);
      int number = entry.number() != null ? entry.number() : i + 1;
      if (number > last) {
        listener.onEntry(entry);
        last = number;
      }
    }
    return last;
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GantryException("interrupted while watching the release");
    }
  }
}
