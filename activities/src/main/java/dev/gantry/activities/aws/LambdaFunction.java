package dev.gantry.activities.aws;

import dev.gantry.activities.deploy.Heartbeats;
import dev.gantry.workflows.api.aws.LambdaSettings;
import dev.gantry.workflows.api.temporal.Failures;
import io.temporal.failure.ApplicationFailure;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.AliasRoutingConfiguration;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.LastUpdateStatus;

/**
 * One Lambda function of the policy ({@code target.aws.lambda}) in one region, as {@link LambdaTarget} uses it:
 * its configuration, its published versions, and the alias users call. Failures of the Lambda API become the
 * target's failures ({@link AwsErrors}), naming the function, the alias and the region.
 */
record LambdaFunction(LambdaClient lambda, LambdaSettings fn, String region) {

  String name() {
    return fn.functionName();
  }

  String alias() {
    return fn.alias();
  }

  FunctionConfiguration configuration() {
    try {
      return lambda.getFunction(b -> b.functionName(fn.functionName())).configuration();
    } catch (AwsServiceException e) {
      if (AwsErrors.isMissing(e)) {
        throw AwsErrors.missing("Lambda function " + fn.functionName() + " does not exist in " + region
            + ": create it first (Gantry updates a function's code, it does not create functions), or fix"
            + " target.aws.lambda.functionName");
      }
      throw AwsErrors.translate("read Lambda function " + fn.functionName() + " in " + region, e);
    }
  }

  /** The version the alias points at, or null when the alias does not exist yet. */
  String aliasVersion() {
    try {
      return lambda.getAlias(b -> b.functionName(fn.functionName()).name(fn.alias())).functionVersion();
    } catch (AwsServiceException e) {
      if (AwsErrors.isMissing(e)) {
        return null;
      }
      throw AwsErrors.translate("read alias " + fn.alias() + " of " + fn.functionName() + " in " + region, e);
    }
  }

  /** The published version whose description is the release's version: how a retry finds its own work. */
  Optional<FunctionConfiguration> publishedVersion(String version) {
    return AwsErrors.call("list versions of " + fn.functionName() + " in " + region, () ->
        lambda.listVersionsByFunctionPaginator(b -> b.functionName(fn.functionName())).versions().stream()
            .filter(v -> !"$LATEST".equals(v.version()) && version.equals(v.description()))
            .findFirst());
  }

  /**
   * Updates the code from the object version the replicator checked (never the key's latest), and
   * publishes only if Lambda's own SHA-256 of the code it took is the signed digest's.
   */
  String publish(ArtifactReplicator.Replica code, String version, String expectedSha) {
    String what = "update code of " + fn.functionName() + " in " + region + " from " + code.uri();
    String codeSha = AwsErrors.call(what, () -> lambda.updateFunctionCode(b -> b
        .functionName(fn.functionName()).s3Bucket(code.bucket()).s3Key(code.key())
        .s3ObjectVersion(code.versionId())).codeSha256());
    if (!expectedSha.equals(codeSha)) {
      // Lambda's figure is not shown: a digest of bytes we did not choose is not ours to reveal.
      throw ApplicationFailure.newNonRetryableFailure("Lambda took code for " + fn.functionName() + " in " + region
          + " from " + code.uri() + " whose CodeSha256 is not the signed artifact's (" + code.digest() + "):"
          + " nothing was published and alias " + fn.alias() + " did not move ($LATEST holds that code until the"
          + " next deploy); find out what changed the bucket", Failures.ARTIFACT_DIGEST_MISMATCH);
    }
    awaitUpdate();
    // CodeSha256 guards against publishing code someone else uploaded in between.
    return AwsErrors.call("publish version " + version + " of " + fn.functionName() + " in " + region,
        () -> lambda.publishVersion(b -> b.functionName(fn.functionName()).description(version)
            .codeSha256(expectedSha)).version());
  }

  private void awaitUpdate() {
    for (int attempt = 0; ; attempt++) {
      var config = AwsErrors.call("read " + fn.functionName() + " in " + region,
          () -> lambda.getFunctionConfiguration(b -> b.functionName(fn.functionName())));
      LastUpdateStatus status = config.lastUpdateStatus();
      if (status == null || status == LastUpdateStatus.SUCCESSFUL) {
        return;
      }
      if (status == LastUpdateStatus.FAILED) {
        throw ApplicationFailure.newNonRetryableFailure("the code update of " + fn.functionName() + " in "
            + region + " failed: " + config.lastUpdateStatusReason(), Failures.REGION_FAILED);
      }
      Heartbeats.progress("waiting for the code update of " + fn.functionName() + " in " + region);
      LambdaTarget.sleep(Math.min(5_000, 500L * (attempt + 1)));
    }
  }

  void pointAlias(boolean create, String version) {
    String what = (create ? "create" : "move") + " alias " + fn.alias() + " of " + fn.functionName() + " in "
        + region + " to version " + version;
    if (create) {
      AwsErrors.call(what, () -> lambda.createAlias(b -> b.functionName(fn.functionName()).name(fn.alias())
          .functionVersion(version)));
    } else {
      AwsErrors.call(what, () -> lambda.updateAlias(b -> b.functionName(fn.functionName()).name(fn.alias())
          .functionVersion(version)));
    }
  }

  /** The alias on {@code version} with all of its traffic: no additional version weights. */
  void clearRouting(String version) {
    AwsErrors.call("clear the routing of alias " + fn.alias() + " of " + fn.functionName() + " in " + region,
        () -> lambda.updateAlias(b -> b.functionName(fn.functionName()).name(fn.alias()).functionVersion(version)
            .routingConfig(AliasRoutingConfiguration.builder().additionalVersionWeights(Map.of()).build())));
  }

  /** A Lambda version as people know it: the Gantry version in its description, else its number. */
  String label(String lambdaVersion) {
    String description = AwsErrors.call("read version " + lambdaVersion + " of " + fn.functionName(),
        () -> lambda.getFunctionConfiguration(b -> b.functionName(fn.functionName()).qualifier(lambdaVersion))
            .description());
    return description == null || description.isBlank() ? "lambda version " + lambdaVersion : description;
  }

  String aliasArn(FunctionConfiguration function) {
    return function.functionArn() + ":" + fn.alias();
  }
}
