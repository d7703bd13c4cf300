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
 * The {@code override} signal (and update): an emergency approver skips one gate of one environment,
 * e.g. {@code {"approver": "erin", "gate": "window", "justification": "...", "incident": "INC-4711"}}.
 * Signature verification and approvals can never be overridden.
 *
 * @param approver      who overrides; must be in the emergency group
 * @param gate          {@code window}, {@code quality} or {@code cab}
 * @param justification why; required (at least 10 characters), kept in the report and audit trail
 * @param incident      the incident reference; required
 * @param environment   optional: the environment; defaults to the one the release is at (or next)
 * @param malformed     set only when the payload could not be read
 * @param token         required in a signed release: a JWS by the overrider's registered key (action
 *                      {@code override}, detail the gate), minted by {@code gantry approval-token}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OverrideSignal(
    String approver,
    String gate,
    String justification,
    String incident,
    String environment,
    String malformed,
    String token) implements ClientMessage {
  static final String SHAPE = "{\"approver\": \"<name>\", \"gate\": \"window|quality|cab\","
      + " \"justification\": \"...\", \"incident\": \"INC-...\"}";

  public OverrideSignal(String approver, String gate, String justification, String incident) {
    this(approver, gate, justification, incident, null, null, null);
  }

  public OverrideSignal(String approver, String gate, String justification, String incident, String environment,
      String malformed) {
    this(approver, gate, justification, incident, environment, malformed, null);
  }

  public OverrideSignal withToken(String token) {
    return new OverrideSignal(approver, gate, justification, incident, environment, malformed, token);
  }

  /** Null when every field is within {@link MessageLimits}, else why the message is refused. */
  public String outOfBounds() {
    return MessageLimits.problem("override", field("approver", approver, MessageLimits.Shape.PERSON),
        field("gate", gate, MessageLimits.Shape.REFERENCE),
        field("justification", justification, MessageLimits.Shape.TEXT),
        field("incident", incident, MessageLimits.Shape.REFERENCE),
        field("environment", environment, MessageLimits.Shape.NAME),
        field("token", token, MessageLimits.Shape.TOKEN));
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static OverrideSignal fromJson(Object payload) {
    StringBuilder problems = new StringBuilder();
    Map<?, ?> fields = SignalPayloads.fields(payload, SHAPE, problems);
    return new OverrideSignal(
        SignalPayloads.text(fields, "approver", problems),
        SignalPayloads.text(fields, "gate", problems),
        SignalPayloads.text(fields, "justification", problems),
        SignalPayloads.text(fields, "incident", problems),
        SignalPayloads.text(fields, "environment", problems),
        SignalPayloads.malformed(problems, SHAPE),
        SignalPayloads.text(fields, "token", problems));
  }
}
