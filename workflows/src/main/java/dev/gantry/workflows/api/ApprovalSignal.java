package dev.gantry.workflows.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The {@code approve} signal, one JSON object, e.g. {@code {"approver": "alice", "comment": "LGTM"}}.
 *
 * @param approver    who approves; must be one of the environment's approvers
 * @param comment     free text, kept in the report
 * @param environment optional: the environment approved; defaults to the gate that is open (or next)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ApprovalSignal(String approver, String comment, String environment) {
  public ApprovalSignal(String approver, String comment) {
    this(approver, comment, null);
  }
}
