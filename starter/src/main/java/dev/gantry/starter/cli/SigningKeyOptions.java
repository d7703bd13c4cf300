package dev.gantry.starter.cli;

import dev.gantry.activities.signing.KmsClients;
import dev.gantry.activities.signing.Signer;
import dev.gantry.activities.signing.Signers;
import picocli.CommandLine.Option;

/**
 * {@code --key} and {@code --password-env}: the signing key of the commands that sign or read a private key
 * (a PKCS#8 or cosign-encrypted file, or an AWS KMS key), opened as the worker opens it.
 */
class SigningKeyOptions {
  @Option(names = "--key", required = true, paramLabel = "FILE|awskms:///KEY", description = "The signing key.")
  String key;

  @Option(names = "--password-env", paramLabel = "VAR", description = "The key file's password variable.")
  String passwordEnv;

  Signer open() {
    return Signers.open(key, passwordEnv == null ? null : password(passwordEnv), KmsClients::create);
  }

  /** The password in {@code variable}: never a flag, so that it stays out of shell history. */
  static char[] password(String variable) {
    String value = System.getenv(variable);
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("--password-env " + variable + ": the variable is not set (export "
          + variable + "=... first; the password is never a flag, so it stays out of shell history)");
    }
    return value.toCharArray();
  }
}
