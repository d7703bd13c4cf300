package dev.gantry.workflows.api.cab;

import static dev.gantry.workflows.api.input.MessageLimits.field;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.gantry.workflows.api.input.ClientMessage;
import dev.gantry.workflows.api.input.SignalPayloads;
import dev.gantry.workflows.api.input.MessageLimits;
import java.util.Map;

/**
 * Payload proposed for the {@code cabDecision} signal, by which a board without a pollable API (the
 * {@code webhook} type) reports its decision. It names the change it is about, so a late or misdirected
 * decision can be told apart and refused.
 *
 * @param environment the environment the change is for
 * @param ticketId    the {@link ChangeTicket#id()} the decision is about
 * @param state       {@link CabDecision#APPROVED} or {@link CabDecision#REJECTED}
 * @param decidedBy   who decided
 * @param reason      why; optional
 * @param malformed   set only when the payload could not be read: what was wrong with it
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CabDecisionSignal(
    String environment, String ticketId, String state, String decidedBy, String reason, String malformed,
    String token) implements ClientMessage {
  private static final String SHAPE = "{\"environment\": \"production\", \"ticketId\": \"...\","
      + " \"state\": \"APPROVED|REJECTED\", \"decidedBy\": \"...\"}";

  public CabDecisionSignal(String environment, String ticketId, String state, String decidedBy, String reason) {
    this(environment, ticketId, state, decidedBy, reason, null, null);
  }

  public CabDecisionSignal(String environment, String ticketId, String state, String decidedBy, String reason,
      String malformed) {
    this(environment, ticketId, state, decidedBy, reason, malformed, null);
  }

  /** In a signed release: a JWS by {@code decidedBy}'s registered key, action cab-decision. */
  public CabDecisionSignal withToken(String token) {
    return new CabDecisionSignal(environment, ticketId, state, decidedBy, reason, malformed, token);
  }

  /** What a decision's token is bound to besides its environment: {@code <ticketId>:<state>}. */
  public String tokenDetail() {
    return ticketId + ":" + state;
  }

  /** Null when every field is within {@link MessageLimits}, else why the message is refused. */
  public String outOfBounds() {
    return MessageLimits.problem("cabDecision", field("environment", environment, MessageLimits.Shape.NAME),
        field("ticketId", ticketId, MessageLimits.Shape.REFERENCE),
        field("state", state, MessageLimits.Shape.REFERENCE),
        field("decidedBy", decidedBy, MessageLimits.Shape.PERSON),
        field("reason", reason, MessageLimits.Shape.TEXT),
        field("token", token, MessageLimits.Shape.TOKEN));
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static CabDecisionSignal fromJson(Object payload) {
    StringBuilder problems = new StringBuilder();
    Map<?, ?> fields = SignalPayloads.fields(payload, SHAPE, problems);
    return new CabDecisionSignal(
        SignalPayloads.text(fields, "environment", problems),
        SignalPayloads.text(fields, "ticketId", problems),
        SignalPayloads.text(fields, "state", problems),
        SignalPayloads.text(fields, "decidedBy", problems),
        SignalPayloads.text(fields, "reason", problems),
        SignalPayloads.malformed(problems, SHAPE),
        SignalPayloads.text(fields, "token", problems));
  }

  /** The decision this signal carries, to be checked against the open ticket before it is believed. */
  public CabDecision toDecision() {
    return new CabDecision(state, decidedBy, reason == null ? "decided by signal" : reason);
  }
}
