package dev.gantry.workflows.api.environment;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** @param changed names written (values changed or new); @param removed names deleted; @param location where */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ConfigApplied(List<String> changed, List<String> removed, String location) {}
