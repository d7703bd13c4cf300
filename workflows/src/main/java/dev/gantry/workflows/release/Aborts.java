package dev.gantry.workflows.release;

import dev.gantry.workflows.api.input.MessageLimits;
import dev.gantry.workflows.api.input.Names;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An abort is Temporal's cancellation of the release, whose only words are a reason: {@code gantry release
 * abort} writes who aborts into it ("aborted by alice: wrong build"), and the release writes both into its
 * trail. Who is what the sender typed (Temporal does not authenticate it), like a typed approver name.
 */
public final class Aborts {
  /** What a reason may keep. */
  public static final int REASON_CHARS = 300;
  private static final Pattern BY = Pattern.compile("aborted by ([^:\\s]{1,64}): (.*)", Pattern.DOTALL);

  private Aborts() {}

  /** The cancellation reason the CLI sends. */
  public static String reason(String by, String why) {
    return (by == null || by.isBlank() ? "aborted" : "aborted by " + by) + ": " + (why == null ? "" : why);
  }

  /** Who aborted, when the reason names a person; null otherwise (the Temporal UI, another client). */
  public static String actor(String reason) {
    if (reason == null) {
      return null;
    }
    Matcher by = BY.matcher(reason);
    return by.matches() && Names.isPerson(by.group(1)) ? by.group(1) : null;
  }

  /** Why, on one line and bounded; null when no reason was given. */
  public static String why(String reason) {
    if (reason == null || reason.isBlank()) {
      return null;
    }
    Matcher by = BY.matcher(reason);
    String why = by.matches() && Names.isPerson(by.group(1)) ? by.group(2) : reason;
    return MessageLimits.cut(why, REASON_CHARS);
  }

  /** The release's failure reason for an abort. */
  public static String failure(String reason) {
    String actor = actor(reason);
    String why = why(reason);
    if (actor == null && why == null) {
      return "the release was cancelled"; // a cancel with no words (the Temporal UI, a raw client)
    }
    return "the release was aborted" + (actor == null ? "" : " by " + actor) + (why == null ? "" : ": " + why);
  }
}
