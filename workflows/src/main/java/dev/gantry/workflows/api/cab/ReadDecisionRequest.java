package dev.gantry.workflows.api.cab;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Ask the board what it has decided about a change.
 *
 * @param ticket the change returned by {@code openChange}
 * @param policy the board that holds it
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ReadDecisionRequest(ChangeTicket ticket, CabPolicy policy) {}
