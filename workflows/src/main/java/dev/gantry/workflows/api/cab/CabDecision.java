package dev.gantry.workflows.api.cab;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * What the board has decided so far.
 *
 * @param state     {@value #PENDING}, {@value #APPROVED} or {@value #REJECTED}
 * @param decidedBy who decided (ServiceNow: the change's number; the individual approvers are in the
 *                  change's approval history there); null while pending
 * @param reason    why, in words, including the board's own state (e.g. {@code approval=rejected});
 *                  never null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CabDecision(String state, String decidedBy, String reason) {
  public static final String PENDING = "PENDING";
  public static final String APPROVED = "APPROVED";
  public static final String REJECTED = "REJECTED";

  public static CabDecision pending(String reason) {
    return new CabDecision(PENDING, null, reason);
  }
}
