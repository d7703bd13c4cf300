package dev.gantry.workflows.api.flags;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** A flag's definition in one Split environment, as the Admin API returns it (the fields Gantry uses). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record FlagState(
    String name,
    boolean killed,
    String defaultTreatment,
    List<Allocation> defaultRule,
    Long lastUpdateTime) {}
