package dev.gantry.workflows.api.cab;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

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
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CabDecisionSignal(
    String environment, String ticketId, String state, String decidedBy, String reason) {

  /** The decision this signal carries, to be checked against the open ticket before it is believed. */
  public CabDecision toDecision() {
    return new CabDecision(state, decidedBy, reason == null ? "decided by signal" : reason);
  }
}
