package dev.gantry.workflows.api.notify;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The webhook's answer to a notification that was accepted.
 *
 * @param status   the HTTP status (2xx)
 * @param response the start of the response body (Slack answers {@code ok})
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record NotificationReceipt(int status, String response) {}
