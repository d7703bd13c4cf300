package dev.gantry.workflows.api.cab;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A change on the board.
 *
 * @param id     the board's identifier (ServiceNow: the change's {@code sys_id}; webhook: the {@code id}
 *               the receiver returned)
 * @param number the human-facing number (ServiceNow: {@code CHG0030001}); for webhooks, the id again
 * @param link   where a person can open the change in a browser
 * @param type   the {@link CabPolicy#type()} of the board that holds it
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ChangeTicket(String id, String number, String link, String type) {}
