package dev.gantry.workflows.api.flags;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** The SDK's answer: a treatment, or {@code control} when the flag does not exist or the SDK is not ready. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TreatmentResult(String flag, String key, String treatment) {}
