package dev.gantry.workflows.api.approval;

import static dev.gantry.workflows.api.input.MessageLimits.field;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.gantry.workflows.api.input.ClientMessage;
import dev.gantry.workflows.api.input.MessageLimits;
import dev.gantry.workflows.api.input.SignalPayloads;
import java.util.Map;

/**
 * The {@code reject} signal (and update): an authorized approver stops the release at the open gate,
 * e.g. {@code {"approver": "bob", "reason": "error budget exhausted"}}.
 *
 * @param approver    who rejects; must be allowed to approve the environment
 * @param reason      why; required, it becomes the release's failure reason
 * @param environment optional: the environment rejected; defaults to the gate that is open
 * @param token       required where the environment has {@code signedApprovals}
 * @param malformed   set only when the payload could not be read
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RejectionSignal(
    String approver, String reason, String environment, String token, String malformed) implements ClientMessage {
  static final String SHAPE = "{\"approver\": \"<name>\", \"reason\": \"...\"}";

  public RejectionSignal(String approver, String reason) {
    this(approver, reason, null, null, null);
  }

  /** Null when every field is within {@link MessageLimits}, else why the message is refused. */
  public String outOfBounds() {
    return MessageLimits.problem("reject", field("approver", approver, MessageLimits.Shape.PERSON),
        field("reason", reason, MessageLimits.Shape.TEXT),
        field("environment", environment, MessageLimits.Shape.NAME),
        field("token", token, MessageLimits.Shape.TOKEN));
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static RejectionSignal fromJson(Object payload) {
    StringBuilder problems = new StringBuilder();
    Map<?, ?> fields = SignalPayloads.fields(payload, SHAPE, problems);
    return new RejectionSignal(
        SignalPayloads.text(fields, "approver", problems),
        SignalPayloads.text(fields, "reason", problems),
        SignalPayloads.text(fields, "environment", problems),
        SignalPayloads.text(fields, "token", problems),
        SignalPayloads.malformed(problems, SHAPE));
  }
}
