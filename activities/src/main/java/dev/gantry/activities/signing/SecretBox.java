package dev.gantry.activities.signing;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Optional;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * NaCl {@code crypto_secretbox} (XSalsa20-Poly1305) in the layout of golang.org/x/crypto/nacl/secretbox,
 * which cosign uses: output = Poly1305 tag (16 bytes) || ciphertext. The first 32 bytes of the XSalsa20
 * keystream are the one-time Poly1305 key; the message is encrypted with the keystream from byte 32 on.
 */
final class SecretBox {
  static final int KEY_BYTES = 32;
  static final int NONCE_BYTES = 24;
  private static final int TAG_BYTES = 16;

  private SecretBox() {}

  static byte[] seal(byte[] key, byte[] nonce, byte[] plaintext) {
    XSalsa20Engine keystream = keystream(key, nonce);
    byte[] macKey = nextKeystreamBytes(keystream, KEY_BYTES);
    byte[] box = new byte[TAG_BYTES + plaintext.length];
    keystream.processBytes(plaintext, 0, plaintext.length, box, TAG_BYTES);
    byte[] tag = tag(macKey, box, TAG_BYTES, plaintext.length);
    System.arraycopy(tag, 0, box, 0, TAG_BYTES);
    return box;
  }

  /** The plaintext, or empty when the tag does not match (wrong key or altered box). */
  static Optional<byte[]> open(byte[] key, byte[] nonce, byte[] box) {
    if (box.length < TAG_BYTES) {
      return Optional.empty();
    }
    XSalsa20Engine keystream = keystream(key, nonce);
    byte[] macKey = nextKeystreamBytes(keystream, KEY_BYTES);
    int length = box.length - TAG_BYTES;
    byte[] expected = tag(macKey, box, TAG_BYTES, length);
    if (!MessageDigest.isEqual(expected, Arrays.copyOf(box, TAG_BYTES))) {
      return Optional.empty();
    }
    byte[] plaintext = new byte[length];
    keystream.processBytes(box, TAG_BYTES, length, plaintext, 0);
    return Optional.of(plaintext);
  }

  private static XSalsa20Engine keystream(byte[] key, byte[] nonce) {
    if (key.length != KEY_BYTES || nonce.length != NONCE_BYTES) {
      throw new IllegalArgumentException("secretbox needs a 32-byte key and a 24-byte nonce");
    }
    XSalsa20Engine engine = new XSalsa20Engine();
    engine.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
    return engine;
  }

  private static byte[] nextKeystreamBytes(XSalsa20Engine engine, int count) {
    byte[] bytes = new byte[count];
    engine.processBytes(bytes, 0, count, bytes, 0);
    return bytes;
  }

  private static byte[] tag(byte[] macKey, byte[] data, int offset, int length) {
    Poly1305 poly1305 = new Poly1305();
    poly1305.init(new KeyParameter(macKey));
    poly1305.update(data, offset, length);
    byte[] tag = new byte[TAG_BYTES];
    poly1305.doFinal(tag, 0);
    Arrays.fill(macKey, (byte) 0);
    return tag;
  }
}
