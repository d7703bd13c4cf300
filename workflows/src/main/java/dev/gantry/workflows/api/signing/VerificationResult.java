package dev.gantry.workflows.api.signing;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * @param keyId          the trusted key that signed the artifact
 * @param predicateTypes the attestations that verified
 * @param detail         one line for the timeline
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record VerificationResult(String keyId, List<String> predicateTypes, String detail) {}
