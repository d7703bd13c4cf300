package dev.gantry.activities.signing;

import java.nio.file.Path;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.kms.KmsClient;

/** Opens the signer a key reference names, in cosign's {@code --key} syntax. */
public final class Signers {
  private static final String AWS_KMS_SCHEME = "awskms://";
  private static final Pattern KEY_ARN = Pattern.compile("arn:aws[a-z-]*:kms:([a-z0-9-]+):\\d{12}:(key|alias)/.+");

  private Signers() {}

  /**
   * {@code awskms:///<key-arn | alias/name | key-id>} opens a {@link KmsSigner}; anything else is a key file
   * for {@link KeyFiles#loadSigner}.
   *
   * @param kmsClients the KMS client for a region: the ARN's region, or null (an alias or a bare key id)
   *     for the caller's default region
   */
  public static Signer open(String keyRef, char[] passwordOrNull, Function<String, KmsClient> kmsClients) {
    if (!keyRef.startsWith(AWS_KMS_SCHEME)) {
      return KeyFiles.loadSigner(Path.of(keyRef), passwordOrNull);
    }
    String rest = keyRef.substring(AWS_KMS_SCHEME.length());
    if (!rest.startsWith("/")) {
      // cosign reads awskms://host:port/... as an endpoint; ours comes from the client factory instead.
      throw new IllegalArgumentException(keyRef + ": an endpoint in the awskms URI is not supported; write"
          + " awskms:///<arn or alias> and configure the endpoint on the KMS client");
    }
    String key = rest.substring(1);
    if (key.isEmpty()) {
      throw new IllegalArgumentException(keyRef + ": names no key; write awskms:///arn:aws:kms:... or"
          + " awskms:///alias/<name>");
    }
    Matcher arn = KEY_ARN.matcher(key);
    return new KmsSigner(kmsClients.apply(arn.matches() ? arn.group(1) : null), key);
  }
}
