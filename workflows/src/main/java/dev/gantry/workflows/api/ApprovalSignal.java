package dev.gantry.workflows.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * The {@code approve} signal, one JSON object, e.g. {@code {"approver": "alice", "comment": "LGTM"}}.
 *
 * <p>Any JSON is accepted on the wire: a payload that is not such an object (a bare string typed in the
 * Temporal UI, a number for the approver) arrives with {@link #malformed()} saying what is wrong, so the
 * release refuses it and records the refusal instead of the SDK dropping it unseen.
 *
 * @param approver    who approves; must be one of the environment's approvers
 * @param comment     free text, kept in the report
 * @param environment optional: the environment approved; defaults to the gate that is open (or next)
 * @param malformed   set only when the payload could not be read: what was wrong with it
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApprovalSignal(String approver, String comment, String environment, String malformed) {
  private static final String SHAPE = "{\"approver\": \"<name>\", \"comment\": \"...\"}";

  public ApprovalSignal(String approver, String comment, String environment) {
    this(approver, comment, environment, null);
  }

  public ApprovalSignal(String approver, String comment) {
    this(approver, comment, null, null);
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static ApprovalSignal fromJson(Object payload) {
    if (!(payload instanceof Map<?, ?> fields)) {
      String got = payload == null ? "null" : payload instanceof String ? "a string" : "a "
          + payload.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
      return new ApprovalSignal(null, null, null, "the payload must be one JSON object like " + SHAPE
          + ", got " + got);
    }
    StringBuilder problems = new StringBuilder();
    String approver = text(fields, "approver", problems);
    String comment = text(fields, "comment", problems);
    String environment = text(fields, "environment", problems);
    return new ApprovalSignal(approver, comment, environment,
        problems.length() == 0 ? null : problems + "; send " + SHAPE);
  }

  private static String text(Map<?, ?> fields, String name, StringBuilder problems) {
    Object value = fields.get(name);
    if (value == null || value instanceof String) {
      return (String) value;
    }
    problems.append(problems.length() == 0 ? "" : "; ").append("field '").append(name)
        .append("' must be a string");
    return null;
  }
}
