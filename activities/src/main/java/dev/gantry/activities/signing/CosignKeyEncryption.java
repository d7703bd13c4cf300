package dev.gantry.activities.signing;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.generators.SCrypt;

/**
 * The JSON inside cosign's {@code ENCRYPTED SIGSTORE PRIVATE KEY} PEM block: a PKCS#8 DER key sealed with
 * NaCl secretbox under {@code scrypt(password, salt)}.
 *
 * <pre>{"kdf":{"name":"scrypt","params":{"N":65536,"r":8,"p":1},"salt":"..."},
 *  "cipher":{"name":"nacl/secretbox","nonce":"..."},"ciphertext":"..."}</pre>
 */
final class CosignKeyEncryption {
  // cosign v2.6.1 writes N=65536 (older releases wrote 32768); reading honours whatever the file says.
  private static final ScryptParams WRITE_PARAMS = new ScryptParams(65536, 8, 1);
  private static final int SALT_BYTES = 32;
  // A hostile key file must not make us allocate gigabytes: 2^20 * 128 * r bytes is already 1 GiB at r=8.
  private static final int MAX_N = 1 << 20;
  private static final int MAX_R = 32;
  private static final int MAX_P = 16;
  private static final String KDF_NAME = "scrypt";
  private static final String CIPHER_NAME = "nacl/secretbox";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();

  record ScryptParams(@JsonProperty("N") int n, @JsonProperty("r") int r, @JsonProperty("p") int p) {}

  record Kdf(String name, ScryptParams params, byte[] salt) {}

  record Cipher(String name, byte[] nonce) {}

  record Sealed(Kdf kdf, Cipher cipher, byte[] ciphertext) {}

  private CosignKeyEncryption() {}

  static byte[] encrypt(byte[] pkcs8Der, char[] password) {
    byte[] salt = randomBytes(SALT_BYTES);
    byte[] nonce = randomBytes(SecretBox.NONCE_BYTES);
    byte[] key = deriveKey(password, salt, WRITE_PARAMS);
    try {
      Sealed sealed = new Sealed(new Kdf(KDF_NAME, WRITE_PARAMS, salt), new Cipher(CIPHER_NAME, nonce),
          SecretBox.seal(key, nonce, pkcs8Der));
      return JSON.writeValueAsBytes(sealed);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write the encrypted key as JSON", e);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  /** The PKCS#8 DER key; {@code source} names the file in error messages. */
  static byte[] decrypt(byte[] json, char[] password, String source) {
    Sealed sealed = parse(json, source);
    byte[] key = deriveKey(password, sealed.kdf().salt(), sealed.kdf().params());
    try {
      return SecretBox.open(key, sealed.cipher().nonce(), sealed.ciphertext())
          .orElseThrow(() -> new KeyFileException(source, "wrong password (the tag of the encrypted key does not"
              + " match); give the password the key was created with, e.g. in COSIGN_PASSWORD"));
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  private static Sealed parse(byte[] json, String source) {
    Sealed sealed;
    try {
      sealed = JSON.readValue(json, Sealed.class);
    } catch (IOException e) {
      throw new KeyFileException(source, "the encrypted key is not cosign's JSON (kdf, cipher, ciphertext)");
    }
    if (sealed == null || sealed.kdf() == null || sealed.cipher() == null || sealed.ciphertext() == null) {
      throw new KeyFileException(source, "the encrypted key lacks one of kdf, cipher, ciphertext");
    }
    if (!KDF_NAME.equals(sealed.kdf().name()) || sealed.kdf().params() == null || sealed.kdf().salt() == null) {
      throw new KeyFileException(source, "kdf must be scrypt with params and salt, found " + sealed.kdf().name());
    }
    ScryptParams params = sealed.kdf().params();
    if (params.n() < 2 || params.n() > MAX_N || Integer.bitCount(params.n()) != 1
        || params.r() < 1 || params.r() > MAX_R || params.p() < 1 || params.p() > MAX_P) {
      throw new KeyFileException(source, "scrypt params " + params + " are out of range (N a power of two up to "
          + MAX_N + ", r up to " + MAX_R + ", p up to " + MAX_P + ")");
    }
    if (!CIPHER_NAME.equals(sealed.cipher().name()) || sealed.cipher().nonce() == null
        || sealed.cipher().nonce().length != SecretBox.NONCE_BYTES) {
      throw new KeyFileException(source, "cipher must be nacl/secretbox with a 24-byte nonce, found "
          + sealed.cipher().name());
    }
    return sealed;
  }

  private static byte[] deriveKey(char[] password, byte[] salt, ScryptParams params) {
    // Go's []byte(password): UTF-8, built without an intermediate String so it can be wiped.
    ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
    byte[] passwordBytes = Arrays.copyOfRange(encoded.array(), encoded.position(), encoded.limit());
    Arrays.fill(encoded.array(), (byte) 0);
    try {
      return SCrypt.generate(passwordBytes, salt, params.n(), params.r(), params.p(), SecretBox.KEY_BYTES);
    } finally {
      Arrays.fill(passwordBytes, (byte) 0);
    }
  }

  private static byte[] randomBytes(int count) {
    byte[] bytes = new byte[count];
    RANDOM.nextBytes(bytes);
    return bytes;
  }
}
