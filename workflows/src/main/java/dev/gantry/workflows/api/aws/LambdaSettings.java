package dev.gantry.workflows.api.aws;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The Lambda function each region runs. It exists before the first release (Gantry updates code, it
 * does not create functions); users reach it through {@code alias}, which Gantry moves.
 *
 * @param functionName the function's name, the same in every region
 * @param alias        the alias users call, e.g. {@code live}; created on the first deploy if missing
 * @param roleArn      the execution role, for the record (Gantry does not change it); optional
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LambdaSettings(String functionName, String alias, String roleArn) {}
