package dev.gantry.workflows.api.window;

import static dev.gantry.workflows.api.input.MessageLimits.field;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.gantry.workflows.api.input.ClientMessage;
import dev.gantry.workflows.api.input.SignalPayloads;
import dev.gantry.workflows.api.input.MessageLimits;
import java.util.Map;

/**
 * The {@code freeze} signal: blocks deployments of one environment for a period, honoured at once by a
 * release waiting for its window, e.g.
 * {@code {"environment": "production", "from": "2026-12-24", "to": "2026-12-26", "reason": "holidays",
 * "by": "alice"}}. A freeze only ever makes a release wait longer, so anyone who may signal may add one.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FreezeSignal(
    String environment, String from, String to, String reason, String by, String malformed, String token) implements ClientMessage {
  private static final String SHAPE = "{\"environment\": \"production\", \"from\": \"2026-12-24\","
      + " \"to\": \"2026-12-26\", \"reason\": \"...\", \"by\": \"<you>\"}";

  public FreezeSignal(String environment, String from, String to, String reason, String by) {
    this(environment, from, to, reason, by, null, null);
  }

  public FreezeSignal(String environment, String from, String to, String reason, String by, String malformed) {
    this(environment, from, to, reason, by, malformed, null);
  }

  /** In a signed release: a JWS by {@code by}'s registered key, action freeze, detail {@code <from>..<to>}. */
  public FreezeSignal withToken(String token) {
    return new FreezeSignal(environment, from, to, reason, by, malformed, token);
  }

  /** What a freeze token is bound to besides its environment. */
  public String tokenDetail() {
    return from + ".." + to;
  }

  /** Null when every field is within {@link MessageLimits}, else why the message is refused. */
  public String outOfBounds() {
    return MessageLimits.problem("freeze", field("environment", environment, MessageLimits.Shape.NAME),
        field("from", from, MessageLimits.Shape.REFERENCE),
        field("to", to, MessageLimits.Shape.REFERENCE),
        field("reason", reason, MessageLimits.Shape.TEXT),
        field("by", by, MessageLimits.Shape.PERSON),
        field("token", token, MessageLimits.Shape.TOKEN));
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static FreezeSignal fromJson(Object payload) {
    StringBuilder problems = new StringBuilder();
    Map<?, ?> fields = SignalPayloads.fields(payload, SHAPE, problems);
    return new FreezeSignal(
        SignalPayloads.text(fields, "environment", problems),
        SignalPayloads.text(fields, "from", problems),
        SignalPayloads.text(fields, "to", problems),
        SignalPayloads.text(fields, "reason", problems),
        SignalPayloads.text(fields, "by", problems),
        SignalPayloads.malformed(problems, SHAPE),
        SignalPayloads.text(fields, "token", problems));
  }

  public Freeze toFreeze() {
    return new Freeze(from, to, reason == null ? "freeze added by " + (by == null ? "signal" : by) : reason);
  }
}
