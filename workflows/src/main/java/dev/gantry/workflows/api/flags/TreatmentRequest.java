package dev.gantry.workflows.api.flags;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Map;

/** Evaluate a flag for one key with the Split SDK. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TreatmentRequest(SplitSettings split, String flag, String key, Map<String, Object> attributes) {}
