package dev.gantry.workflows.api.environment;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

@JsonIgnoreProperties(ignoreUnknown = true)
public record ProvisionResult(String environment, List<StackStatus> stacks, String registeredAt, String expiresAt) {}
