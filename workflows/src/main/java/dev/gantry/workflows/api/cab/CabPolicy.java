package dev.gantry.workflows.api.cab;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The change advisory board an environment answers to ({@code cab:} in
 * {@code environments/<env>/config.yaml}).
 *
 * @param type                {@value #SERVICENOW} (ServiceNow Change Management REST API) or
 *                            {@value #WEBHOOK} (a small JSON contract, see the webhook adapter)
 * @param url                 for {@code servicenow}: the instance base URL, e.g.
 *                            {@code https://acme.service-now.com}; for {@code webhook}: the endpoint that
 *                            receives new changes ({@code url + "/close"} receives outcomes)
 * @param tokenEnv            the name of the worker's environment variable that holds the bearer token, e.g.
 *                            {@code SERVICENOW_TOKEN}; never the secret itself, which would end up in the
 *                            workflow history. Required for {@code servicenow}, optional for {@code webhook}
 * @param assignmentGroup     the group the change is assigned to (ServiceNow {@code assignment_group}: a
 *                            group name or sys_id); optional
 * @param pollIntervalSeconds how often the workflow asks for the decision (default 300)
 * @param timeoutHours        how long the release waits for a decision before it fails (default 72)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CabPolicy(
    String type,
    String url,
    String tokenEnv,
    String assignmentGroup,
    Integer pollIntervalSeconds,
    Integer timeoutHours) {
  public static final String SERVICENOW = "servicenow";
  public static final String WEBHOOK = "webhook";

  public int pollIntervalSecondsOrDefault() {
    return pollIntervalSeconds == null ? 300 : pollIntervalSeconds;
  }

  public int timeoutHoursOrDefault() {
    return timeoutHours == null ? 72 : timeoutHours;
  }
}
