package dev.gantry.workflows.api.flags;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** Are these flags defined, and not killed, in the environment? */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RequiredFlagsRequest(String releaseId, String environment, SplitSettings split, List<String> flags) {}
