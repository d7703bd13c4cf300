package dev.gantry.workflows.api.flags;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** Kill the flag in the environment (Split Admin API {@code PUT .../environments/{env}/kill}): everyone gets the default treatment. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record KillFlagRequest(SplitSettings split, String flag, String reason) {}
