package dev.gantry.workflows.api.environment;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** Every parameter the store holds for the environment, declared or not. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ConfigActual(List<ParameterActual> parameters) {}
