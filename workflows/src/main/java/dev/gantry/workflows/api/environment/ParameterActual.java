package dev.gantry.workflows.api.environment;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One parameter as the store has it. For a secret, {@code value} is never the value: it is
 * {@link #SECRET_MATCHES} or {@link #SECRET_DIFFERS} (compared by the worker with what the reference
 * resolves to). Null: the parameter does not exist.
 *
 * @param region the region (null for stores that are per environment)
 * @param name   the variable's or secret's name
 * @param secret whether it is a secret
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ParameterActual(String region, String name, boolean secret, String value) {
  public static final String SECRET_MATCHES = "(secret: matches its reference)";
  public static final String SECRET_DIFFERS = "(secret: differs from its reference)";
}
