package dev.gantry.workflows.api.flags;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * Replace the flag's default rule in the environment (JSON Patch {@code replace /defaultRule}).
 * Idempotent: the same request twice leaves the same rule. Sizes must add up to 100.
 *
 * @param reason for the logs and the audit trail (who and why), e.g. {@code flag-ramp/.../step 2: 50%}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SetDefaultRuleRequest(SplitSettings split, String flag, List<Allocation> defaultRule, String reason) {}
