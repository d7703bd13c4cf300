package dev.gantry.workflows.api.traffic;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.gantry.workflows.api.deploy.DeployTarget;
import java.util.Map;

/**
 * Set the weights only if Route 53 holds what the caller expects.
 *
 * @param expected what the caller last saw (null: whatever is there now, still written with an exact
 *                 delete of what was read, so a writer in between makes Route 53 refuse the batch)
 * @param weights  the weights wanted, for every region
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CompareAndSetTrafficRequest(String application, String environment, DeployTarget target,
    Map<String, Integer> expected, Map<String, Integer> weights, String reason) {}
