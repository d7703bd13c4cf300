package dev.gantry.activities.signing;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.KmsClientBuilder;

/** KMS clients for {@link KmsSigner}: the real service, or an emulator at an endpoint (tests, moto). */
public final class KmsClients {
  private KmsClients() {}

  /** Credentials from the SDK's default chain; a null region means the SDK's default region chain too. */
  public static KmsClient create(String regionOrNull) {
    return create(regionOrNull, null, DefaultCredentialsProvider.builder().build());
  }

  public static KmsClient create(String regionOrNull, URI endpointOverrideOrNull, AwsCredentialsProvider credentials) {
    KmsClientBuilder builder = KmsClient.builder().credentialsProvider(credentials);
    if (regionOrNull != null) {
      builder.region(Region.of(regionOrNull));
    }
    if (endpointOverrideOrNull != null) {
      builder.endpointOverride(endpointOverrideOrNull);
    }
    return builder.build();
  }
}
