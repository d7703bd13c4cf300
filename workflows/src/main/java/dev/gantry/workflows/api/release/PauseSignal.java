package dev.gantry.workflows.api.release;

import static dev.gantry.workflows.api.input.MessageLimits.field;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.gantry.workflows.api.input.MessageLimits;
import dev.gantry.workflows.api.input.SignalPayloads;
import java.util.Map;

/**
 * The {@code pause} and {@code resume} signals: {@code {"by": "alice", "reason": "incident in progress"}}.
 *
 * @param by        who pauses or resumes (a claim, like an approver's name in plain mode)
 * @param reason    why; required
 * @param malformed set only when the payload could not be read
 * @param token     required in a signed release: a JWS by the sender's registered key (action pause or resume)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PauseSignal(String by, String reason, String malformed, String token) {
  private static final String SHAPE = "{\"by\": \"<name>\", \"reason\": \"...\"}";

  public PauseSignal(String by, String reason) {
    this(by, reason, null, null);
  }

  public PauseSignal(String by, String reason, String malformed) {
    this(by, reason, malformed, null);
  }

  public PauseSignal withToken(String token) {
    return new PauseSignal(by, reason, malformed, token);
  }

  /** Null when every field is within {@link MessageLimits}, else why the message is refused. */
  public String outOfBounds() {
    return MessageLimits.problem("pause/resume", field("by", by, MessageLimits.Shape.PERSON),
        field("reason", reason, MessageLimits.Shape.TEXT),
        field("token", token, MessageLimits.Shape.TOKEN));
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static PauseSignal fromJson(Object payload) {
    StringBuilder problems = new StringBuilder();
    Map<?, ?> fields = SignalPayloads.fields(payload, SHAPE, problems);
    return new PauseSignal(SignalPayloads.text(fields, "by", problems),
        SignalPayloads.text(fields, "reason", problems), SignalPayloads.malformed(problems, SHAPE),
        SignalPayloads.text(fields, "token", problems));
  }

  /** Null when the message can be acted on, else why not. */
  public String problem() {
    if (malformed != null) {
      return "malformed message: " + malformed;
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
