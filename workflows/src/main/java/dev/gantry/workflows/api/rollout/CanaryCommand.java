package dev.gantry.workflows.api.rollout;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.gantry.workflows.api.input.SignalPayloads;
import java.util.List;
import java.util.Map;

/**
 * A person's command to a region's rollout: {@code {"by": "alice", "reason": "metrics look fine"}} for the
 * {@code promote}, {@code abort}, {@code pause} and {@code resume} signals, plus {@code "action"} for the
 * {@code canaryCommand} update. Any JSON is accepted on the wire; what cannot be read is refused and
 * recorded, never dropped.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CanaryCommand(String action, String by, String reason, String malformed) {
  public static final String PROMOTE = "promote";
  public static final String ABORT = "abort";
  public static final String PAUSE = "pause";
  public static final String RESUME = "resume";
  public static final List<String> ACTIONS = List.of(PROMOTE, ABORT, PAUSE, RESUME);
  private static final String SHAPE = "{\"by\": \"<name>\", \"reason\": \"...\"}";

  public CanaryCommand(String action, String by, String reason) {
    this(action, by, reason, null);
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static CanaryCommand fromJson(Object payload) {
    StringBuilder problems = new StringBuilder();
    Map<?, ?> fields = SignalPayloads.fields(payload, SHAPE, problems);
    return new CanaryCommand(SignalPayloads.text(fields, "action", problems),
        SignalPayloads.text(fields, "by", problems), SignalPayloads.text(fields, "reason", problems),
        SignalPayloads.malformed(problems, SHAPE));
  }

  public CanaryCommand as(String action) {
    return new CanaryCommand(action, by, reason, malformed);
  }

  /** Null when the command can be acted on, else why not. */
  public String problem() {
    if (malformed != null) {
      return "malformed message: " + malformed;
    }
    if (action == null || !ACTIONS.contains(action)) {
      return "field 'action' must be one of " + ACTIONS + " (got " + action + ")";
    }
    if (by == null || by.isBlank()) {
      return "field 'by' is missing: say who you are";
    }
    if (reason == null || reason.isBlank()) {
      return "field 'reason' is missing: say why";
    }
    return null;
  }
}
