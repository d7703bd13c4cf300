package dev.gantry.workflows.api.cab;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Tell the board how the change went, and close it.
 *
 * @param ticket     the change returned by {@code openChange}
 * @param policy     the board that holds it
 * @param successful whether the deployment succeeded (ServiceNow {@code close_code} {@code successful} or
 *                   {@code unsuccessful})
 * @param notes      what happened, for the board's records ({@code close_notes}); optional
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CloseChangeRequest(ChangeTicket ticket, CabPolicy policy, boolean successful, String notes) {}
