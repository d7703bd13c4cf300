package dev.gantry.workflows.api.environment;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** @param state DESTROYED or REFUSED */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DecommissionResult(String environment, String state, String detail, List<String> approvedBy,
    List<StackStatus> stacks, String archive) {}
