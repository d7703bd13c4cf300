package dev.gantry.activities.environment;

import dev.gantry.activities.aws.AwsClients;
import dev.gantry.activities.aws.AwsErrors;
import dev.gantry.workflows.api.temporal.Failures;
import io.temporal.failure.ApplicationFailure;
import java.util.function.Function;

/**
 * Resolves a secret reference on the worker: {@code env:NAME} (the worker's environment) or
 * {@code ssm:/path} (an SSM SecureString in the region being configured). Values never leave the worker:
 * no activity returns them and no error message contains them.
 */
public final class SecretReferences {
  private final Function<String, String> environment;
  private final AwsClients aws;

  public SecretReferences(Function<String, String> environment, AwsClients aws) {
    this.environment = environment;
    this.aws = aws;
  }

  public String resolve(String name, String reference, String region) {
    if (reference != null && reference.startsWith("env:")) {
      String value = environment.apply(reference.substring(4));
      if (value == null) {
        throw ApplicationFailure.newNonRetryableFailure("secret " + name + ": the worker's environment has no "
            + reference.substring(4) + " (reference " + reference + ")", Failures.INVALID_REQUEST);
      }
      return value;
    }
    if (reference != null && reference.startsWith("ssm:")) {
      if (aws == null || region == null) {
        throw ApplicationFailure.newNonRetryableFailure("secret " + name + ": " + reference
            + " needs an AWS region; a local target takes env: references only", Failures.INVALID_REQUEST);
      }
      String path = reference.substring(4);
      return AwsErrors.call("read secret reference " + reference + " in " + region, () -> aws.ssm(region)
          .getParameter(b -> b.name(path).withDecryption(true)).parameter().value());
    }
    throw ApplicationFailure.newNonRetryableFailure("secret " + name + ": reference " + reference
        + " is neither env:NAME nor ssm:/path", Failures.INVALID_REQUEST);
  }
}
