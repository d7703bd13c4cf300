package dev.gantry.starter.spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/**
 * A copy of {@code examples/} with the keys `gantry keys generate` would make (the repository holds no
 * private key): the spec loader only checks that the key files exist.
 */
final class ExampleKeys {
  private ExampleKeys() {}

  static Path copyWithKeys(Path examples, Path into) throws IOException, java.security.GeneralSecurityException {
    try (var files = Files.walk(examples)) {
      for (Path file : files.toList()) {
        Path copy = into.resolve(examples.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(copy);
        } else {
          Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = generator.generateKeyPair();
    Files.createDirectories(into.resolve("keys"));
    Files.writeString(into.resolve("keys/release.key"), pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
    Files.writeString(into.resolve("keys/trusted-keys.yaml"), "keys: []\n");
    return into.resolve("release.yaml");
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
