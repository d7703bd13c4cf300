package dev.gantry.workflows.api.flags;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** Stop a ramp or an experiment now and set the flag back to its off treatment / the control. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AbortSignal(String by, String reason) {}
