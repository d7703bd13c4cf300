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
 * The {@code approve} signal (and the {@code approve} update), one JSON object naming what is approved:
 * {@code {"approver": "alice", "digest": "sha256:...", "version": "1.4.0", "comment": "LGTM"}}.
 *
 * <p>Any JSON is accepted on the wire: a payload that is not such an object (a bare string typed in the
 * Temporal UI, a number for the approver) arrives with {@link #malformed()} saying what is wrong, so the
 * release refuses it and records the refusal instead of the SDK dropping it unseen.
 *
 * @param approver    who approves; must be allowed by the environment's approval policy
 * @param comment     free text, kept in the report
 * @param environment optional: the environment approved; defaults to the gate that is open
 * @param digest      the artifact digest approved ({@code sha256:<hex>}); must be the release's
 * @param version     optional: the version approved; if given, must be the release's
 * @param token       required where the environment has {@code signedApprovals}: a token minted by
 *                    {@code gantry approval-token} with the approver's registered key
 * @param malformed   set only when the payload could not be read: what was wrong with it
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApprovalSignal(
    String approver,
    String comment,
    String environment,
    String digest,
    String version,
    String token,
    String malformed) implements ClientMessage {
  static final String SHAPE =
      "{\"approver\": \"<name>\", \"digest\": \"sha256:<artifact digest>\", \"comment\": \"...\"}";

  public ApprovalSignal(String approver, String comment, String environment, String digest) {
    this(approver, comment, environment, digest, null, null, null);
  }

  public static ApprovalSignal of(String approver, String digest, String comment) {
    return new ApprovalSignal(approver, comment, null, digest, null, null, null);
  }

  public ApprovalSignal withToken(String token) {
    return new ApprovalSignal(approver, comment, environment, digest, version, token, malformed);
  }

  /** Null when every field is within {@link MessageLimits}, else why the message is refused. */
  public String outOfBounds() {
    return MessageLimits.problem("approve", field("approver", approver, MessageLimits.Shape.PERSON),
        field("comment", comment, MessageLimits.Shape.TEXT),
        field("environment", environment, MessageLimits.Shape.NAME),
        field("digest", digest, MessageLimits.Shape.DIGEST),
        field("version", version, MessageLimits.Shape.VERSION),
        field("token", token, MessageLimits.Shape.TOKEN));
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static ApprovalSignal fromJson(Object payload) {
    StringBuilder problems = new StringBuilder();
    Map<?, ?> fields = SignalPayloads.fields(payload, SHAPE, problems);
    return new ApprovalSignal(
        SignalPayloads.text(fields, "approver", problems),
        SignalPayloads.text(fields, "comment", problems),
        SignalPayloads.text(fields, "environment", problems),
        SignalPayloads.text(fields, "digest", problems),
        SignalPayloads.text(fields, "version", problems),
        SignalPayloads.text(fields, "token", problems),
        SignalPayloads.malformed(problems, SHAPE));
  }
}
