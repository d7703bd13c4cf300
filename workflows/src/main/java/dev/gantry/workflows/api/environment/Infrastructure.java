package dev.gantry.workflows.api.environment;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Map;

/**
 * A CloudFormation stack per region ({@code gantry-<app>-<env>}), for AWS targets.
 *
 * @param template     where the template came from (for the record)
 * @param templateBody the template itself, read by the client: the history holds exactly what was created
 * @param parameters   stack parameters
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Infrastructure(String template, String templateBody, Map<String, String> parameters) {}
