package dev.gantry.activities.aws;

import java.net.URI;

/**
 * How the worker reaches AWS. In production all three are null: the SDK's default region-independent
 * credential chain (environment, profile, instance or task role) and the real endpoints. For moto (tests,
 * demos) the endpoint is the emulator and the keys are any static pair.
 *
 * @param endpoint        one endpoint for every service and region (moto), or null
 * @param accessKeyId     static credentials, or null for the default chain
 * @param secretAccessKey static credentials, or null for the default chain
 */
public record AwsSettings(URI endpoint, String accessKeyId, String secretAccessKey) {
  public static AwsSettings defaults() {
    return new AwsSettings(null, null, null);
  }

  public boolean staticCredentials() {
    return accessKeyId != null && !accessKeyId.isBlank() && secretAccessKey != null
        && !secretAccessKey.isBlank();
  }
}
