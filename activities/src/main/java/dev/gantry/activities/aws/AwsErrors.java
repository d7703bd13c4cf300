package dev.gantry.activities.aws;

import dev.gantry.workflows.api.temporal.Failures;
import io.temporal.failure.ApplicationFailure;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Turns AWS errors into failures a release can act on: missing resources and refused permissions are
 * non-retryable (a person must fix the config or IAM), throttling and 5xx stay retryable.
 */
public final class AwsErrors {
  private static final Set<String> ACCESS_DENIED = Set.of("AccessDenied", "AccessDeniedException",
      "UnauthorizedOperation", "UnrecognizedClientException", "InvalidClientTokenId",
      "SignatureDoesNotMatch", "ExpiredToken", "ExpiredTokenException", "InvalidAccessKeyId");
  private static final Set<String> MISSING = Set.of("NoSuchBucket", "ResourceNotFoundException",
      "ClusterNotFoundException", "ServiceNotFoundException", "NoSuchHostedZone", "NoSuchHealthCheck");

  private AwsErrors() {}

  /** Runs one AWS call; {@code what} says what was attempted, e.g. "read alias live of hello in eu-west-1". */
  public static <T> T call(String what, Supplier<T> call) {
    try {
      return call.get();
    } catch (AwsServiceException e) {
      throw translate(what, e);
    } catch (SdkClientException e) {
      // network trouble, endpoint down: worth retrying
      throw ApplicationFailure.newFailure(what + " failed: " + e.getMessage(), "AwsUnavailable");
    }
  }

  public static RuntimeException translate(String what, AwsServiceException e) {
    String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    String message = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
    if (code == null) {
      // An error body in another protocol than the client's (moto answers IAM refusals in XML even for
      // JSON services): read the code and message from the raw body.
      String raw = rawBody(e);
      code = between(raw, "<Code>", "</Code>");
      message = message != null ? message : between(raw, "<Message>", "</Message>");
      if (code == null) {
        code = "HTTP " + e.statusCode();
      }
    }
    if ((code != null && ACCESS_DENIED.contains(code)) || (e.statusCode() == 403 && !isMissing(code))) {
      return ApplicationFailure.newNonRetryableFailure(what + ": AWS denied access (" + code + ": "
          + message + "); grant the worker's role this action", Failures.AWS_ACCESS_DENIED);
    }
    if (isMissing(code) || e.statusCode() == 404) {
      return ApplicationFailure.newNonRetryableFailure(what + ": not found (" + code + ": " + message
          + "); create it or fix the target config", Failures.AWS_RESOURCE_MISSING);
    }
    return ApplicationFailure.newFailure(what + " failed (" + code + ", HTTP " + e.statusCode() + "): "
        + message, "AwsError");
  }

  private static String rawBody(AwsServiceException e) {
    try {
      return e.awsErrorDetails() == null || e.awsErrorDetails().rawResponse() == null ? ""
          : e.awsErrorDetails().rawResponse().asUtf8String();
    } catch (RuntimeException unreadable) {
      return "";
    }
  }

  private static String between(String text, String open, String close) {
    int from = text.indexOf(open);
    int to = from < 0 ? -1 : text.indexOf(close, from + open.length());
    return to < 0 ? null : text.substring(from + open.length(), to).trim();
  }

  public static boolean isMissing(AwsServiceException e) {
    String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    return isMissing(code) || e.statusCode() == 404;
  }

  private static boolean isMissing(String code) {
    return code != null && (MISSING.contains(code) || code.startsWith("NoSuch"));
  }

  /** A non-retryable failure for a missing resource the adapter found itself. */
  public static ApplicationFailure missing(String message) {
    return ApplicationFailure.newNonRetryableFailure(message, Failures.AWS_RESOURCE_MISSING);
  }

  public static ApplicationFailure invalid(String message) {
    return ApplicationFailure.newNonRetryableFailure(message, Failures.INVALID_REQUEST);
  }
}
