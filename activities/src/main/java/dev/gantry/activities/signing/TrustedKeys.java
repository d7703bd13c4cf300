package dev.gantry.activities.signing;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.gantry.activities.signing.SignatureRejected.Reason;
import dev.gantry.activities.support.BoundedFiles;
import dev.gantry.activities.support.ParseErrors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The keys the verification gate trusts ({@code trusted-keys.yaml}), with rotation and revocation:
 *
 * <pre>
 * serial: 7            # raised by every change; a worker refuses a file older than one it has used
 * keys:
 *   - id: cMsYaLeJduTyKhKeW+skYNRsJQTeqPK6zFIWsRnoxvg=
 *     name: release-2026
 *     publicKey: |
 *       -----BEGIN PUBLIC KEY-----
 *       ...
 *     notBefore: 2026-01-01T00:00:00Z
 *     notAfter: 2027-01-01T00:00:00Z                               # optional
 *     revoked: {at: 2026-06-01T00:00:00Z, reason: "laptop lost"}   # optional
 * </pre>
 *
 * Not thread-safe: load, change, save.
 */
public final class TrustedKeys {
  /** A keyring is a few keys of a few hundred bytes each. */
  static final long MAX_FILE_BYTES = BoundedFiles.MIB;
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE))
      .registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      // A misspelt "notafter" must not silently turn a bounded key into an open-ended one.
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .setSerializationInclusion(JsonInclude.Include.NON_NULL);

  @JsonPropertyOrder({"serial", "keys"})
  record KeyringFile(Long serial, List<Entry> keys) {}

  @JsonPropertyOrder({"id", "name", "publicKey", "notBefore", "notAfter", "revoked"})
  record Entry(String id, String name, String publicKey, Instant notBefore, Instant notAfter, Revocation revoked) {}

  record Revocation(Instant at, String reason) {}

  private final List<TrustedKey> keys;
  /** Raised by every save: a worker refuses a file older than one it has used ({@link RevocationLedger}). */
  private long serial;

  private TrustedKeys(List<TrustedKey> keys, long serial) {
    this.keys = new ArrayList<>(keys);
    this.serial = serial;
  }

  public static TrustedKeys empty() {
    return new TrustedKeys(List.of(), 0);
  }

  /** The file's {@code serial}: 0 for a file written before serials existed (or never saved). */
  public long serial() {
    return serial;
  }

  /**
   * A missing file is an empty keyring (nothing trusted yet); a malformed one is an error naming the field
   * and the line, never quoting the file (its path is configuration, and might name a file of secrets).
   */
  public static TrustedKeys load(Path file) {
    String source = "trusted keys " + file;
    byte[] content;
    try {
      content = BoundedFiles.read(file, MAX_FILE_BYTES);
    } catch (NoSuchFileException e) {
      return empty();
    } catch (IOException e) {
      throw new KeyFileException(source, BoundedFiles.describe(e));
    }
    KeyringFile parsed;
    try {
      parsed = YAML.readValue(content, KeyringFile.class);
    } catch (JsonProcessingException e) {
      throw new KeyFileException(source, ParseErrors.describe(e, "YAML"));
    } catch (IOException e) {
      throw new KeyFileException(source, "cannot be read (" + e.getClass().getSimpleName() + ")", e);
    }
    if (parsed != null && parsed.serial() != null && parsed.serial() < 0) {
      throw new KeyFileException(source, "serial " + parsed.serial() + " is negative");
    }
    TrustedKeys trusted = new TrustedKeys(List.of(), parsed == null || parsed.serial() == null ? 0 : parsed.serial());
    List<Entry> entries = parsed == null || parsed.keys() == null ? List.of() : parsed.keys();
    for (int i = 0; i < entries.size(); i++) {
      trusted.put(toTrustedKey(entries.get(i), source + ": keys[" + i + "]"));
    }
    return trusted;
  }

  /**
   * Writes the file with a serial above both this keyring's and the one of the file it replaces, so that a
   * copy restored from before this save is recognisably older (see {@link RevocationLedger}).
   */
  public void save(Path file) {
    List<Entry> entries = keys.stream().map(TrustedKeys::toEntry).toList();
    long replaced = 0;
    try {
      replaced = load(file).serial();
    } catch (KeyFileException unreadable) {
      // a garbled file is replaced whole; its serial is unknown
    }
    serial = Math.max(serial, replaced) + 1;
    try {
      AtomicFiles.write(file, YAML.writeValueAsString(new KeyringFile(serial, entries))
          .getBytes(StandardCharsets.UTF_8), false);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write trusted keys as YAML", e);
    }
  }

  public TrustedKey add(String name, PublicKey key, Instant notBefore, Instant notAfterOrNull) {
    TrustedKey added = new TrustedKey(KeyIds.of(key), name, KeyFiles.publicKeyPem(key), notBefore, notAfterOrNull,
        null, null);
    put(validated(added, "key '" + name + "'"));
    return added;
  }

  /**
   * Trusts {@code newKey} from {@code at} on, and lets every key valid at {@code at} overlap it for
   * {@code overlap} so artifacts signed just before the rotation still pass the gate while they roll out.
   * A key that already ended sooner keeps its earlier end: rotation never extends trust.
   */
  public TrustedKey rotate(String name, PublicKey newKey, Instant at, Duration overlap) {
    requireNotTrusted(KeyIds.of(newKey));
    Instant overlapEnd = at.plus(overlap);
    keys.replaceAll(key -> !key.revoked() && key.inWindow(at)
        && (key.notAfter() == null || key.notAfter().isAfter(overlapEnd)) ? key.withNotAfter(overlapEnd) : key);
    return add(name, newKey, at, null);
  }

  /** Revocation is final and the first one stands; a revoked key verifies nothing, whenever it signed. */
  public TrustedKey revoke(String keyId, String reason, Instant at) {
    if (reason == null || reason.isBlank()) {
      throw new IllegalArgumentException("a revocation needs a reason (it is shown to whoever is refused)");
    }
    TrustedKey key = find(keyId).orElseThrow(() -> new IllegalArgumentException("key " + keyId
        + " is not in the trusted keys; known: " + names()));
    if (key.revoked()) {
      return key;
    }
    TrustedKey revoked = key.withRevocation(at, reason);
    keys.set(keys.indexOf(key), revoked);
    return revoked;
  }

  public List<TrustedKey> keys() {
    return List.copyOf(keys);
  }

  public Optional<TrustedKey> find(String keyId) {
    return keys.stream().filter(key -> key.id().equals(keyId)).findFirst();
  }

  /** The key, if it may vouch for a signature made at {@code signedAt}; otherwise why not. */
  public TrustedKey requireTrustedAt(String keyId, Instant signedAt) {
    return requireTrustedAt(keyId, signedAt, "signed at " + signedAt);
  }

  /** As {@link #requireTrustedAt(String, Instant)}; {@code when} says in messages what {@code at} is. */
  public TrustedKey requireTrustedAt(String keyId, Instant at, String when) {
    Instant signedAt = at;
    TrustedKey key = find(keyId).orElseThrow(() -> new SignatureRejected(Reason.UNKNOWN_KEY,
        "signed by key " + keyId + ", which is not in the trusted keys; trusted: " + names()));
    if (key.revoked()) {
      throw new SignatureRejected(Reason.KEY_REVOKED, "signed by key " + key.describe() + ", revoked at "
          + key.revokedAt() + " (" + key.revokedReason() + "); a revoked key is refused whenever it signed");
    }
    if (!key.inWindow(signedAt)) {
      throw new SignatureRejected(Reason.KEY_NOT_VALID_AT_SIGNING_TIME, when + " by key "
          + key.describe() + ", which is trusted from " + key.notBefore() + " until "
          + (key.notAfter() == null ? "further notice" : key.notAfter()));
    }
    return key;
  }

  private void put(TrustedKey key) {
    requireNotTrusted(key.id());
    keys.add(key);
  }

  private void requireNotTrusted(String keyId) {
    find(keyId).ifPresent(existing -> {
      throw new IllegalArgumentException("key " + keyId + " is already trusted as '" + existing.name() + "'");
    });
  }

  private String names() {
    return keys.isEmpty() ? "none" : keys.stream().map(TrustedKey::describe).collect(Collectors.joining(", "));
  }

  private static TrustedKey toTrustedKey(Entry entry, String where) {
    if (entry == null || entry.publicKey() == null || entry.notBefore() == null) {
      throw new KeyFileException(where, "needs at least publicKey and notBefore");
    }
    if (entry.revoked() != null && (entry.revoked().at() == null || entry.revoked().reason() == null)) {
      throw new KeyFileException(where, "revoked needs both 'at' and 'reason'");
    }
    PublicKey key;
    try {
      key = KeyFiles.parsePublicKeyPem(entry.publicKey());
    } catch (KeyFileException e) {
      throw new KeyFileException(where + ".publicKey", e.getMessage());
    }
    String actualId = KeyIds.of(key);
    if (entry.id() != null && !entry.id().equals(actualId)) {
      // The id is what signatures name: one that does not match its key would trust the wrong signer.
      throw new KeyFileException(where, "id " + entry.id() + " is not the id of its publicKey, which is " + actualId);
    }
    TrustedKey trusted = new TrustedKey(actualId, entry.name() == null ? actualId : entry.name(), entry.publicKey(),
        entry.notBefore(), entry.notAfter(), entry.revoked() == null ? null : entry.revoked().at(),
        entry.revoked() == null ? null : entry.revoked().reason());
    return validated(trusted, where);
  }

  private static TrustedKey validated(TrustedKey key, String where) {
    if (key.notAfter() != null && !key.notAfter().isAfter(key.notBefore())) {
      throw new KeyFileException(where, "notAfter " + key.notAfter() + " is not after notBefore " + key.notBefore());
    }
    return key;
  }

  private static Entry toEntry(TrustedKey key) {
    return new Entry(key.id(), key.name(), key.publicKeyPem(), key.notBefore(), key.notAfter(),
        key.revoked() ? new Revocation(key.revokedAt(), key.revokedReason()) : null);
  }

}
