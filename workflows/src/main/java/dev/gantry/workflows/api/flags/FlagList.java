package dev.gantry.workflows.api.flags;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** Every flag defined in a Split environment (all pages). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record FlagList(String environment, List<FlagState> flags) {}
