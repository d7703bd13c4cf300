package dev.gantry.activities.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.activities.signing.SignatureRejected.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker's memory of its trusted keys files: append-only, and never talked out of a revocation. */
class RevocationLedgerTest {
  private static final Instant JAN_2026 = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir Path dir;
  private final PublicKey release2026 = KeyFiles.generate().getPublic();
  private final PublicKey release2027 = KeyFiles.generate().getPublic();

  @Test
  void everySaveRaisesTheSerialAboveTheFileItReplaces() {
    Path file = dir.resolve("trusted-keys.yaml");
    TrustedKeys first = TrustedKeys.empty();
    first.add("release-2026", release2026, JAN_2026, null);
    first.save(file);
    assertThat(TrustedKeys.load(file).serial()).isEqualTo(1);

    TrustedKeys loaded = TrustedKeys.load(file);
    loaded.add("release-2027", release2027, JAN_2026, null);
    loaded.save(file);
    assertThat(TrustedKeys.load(file).serial()).isEqualTo(2);

    // A keyring built from scratch and saved over a newer file still goes above it.
    TrustedKeys fresh = TrustedKeys.empty();
    fresh.add("release-2026", release2026, JAN_2026, null);
    fresh.save(file);
    assertThat(TrustedKeys.load(file).serial()).isEqualTo(3);
  }

  @Test
  void aFileWithoutASerialIsSerialZeroAndANegativeOneIsRefused() throws Exception {
    Path file = dir.resolve("trusted-keys.yaml");
    Files.writeString(file, "keys: []\n");
    assertThat(TrustedKeys.load(file).serial()).isZero();
    Files.writeString(file, "serial: -1\nkeys: []\n");
    assertThatThrownBy(() -> TrustedKeys.load(file)).isInstanceOf(KeyFileException.class)
        .hasMessageContaining("serial -1 is negative");
  }

  @Test
  void theSerialIsRememberedPerFileAndRevocationsForEveryFile() {
    RevocationLedger ledger = ledger();
    Path prod = dir.resolve("prod/trusted-keys.yaml");
    Path dev = dir.resolve("dev/trusted-keys.yaml");
    TrustedKeys revoked = TrustedKeys.empty();
    revoked.add("release-2026", release2026, JAN_2026, null);
    revoked.revoke(KeyIds.of(release2026), "leaked", JAN_2026.plusSeconds(60));
    revoked.save(dir.resolve("x.yaml"));
    ledger.admit(prod, TrustedKeys.load(dir.resolve("x.yaml")));

    TrustedKeys other = TrustedKeys.empty();
    other.add("release-2027", release2027, JAN_2026, null);
    ledger.admit(dev, other); // serial 0 of another file: fine, it trusts no revoked key

    TrustedKeys sneaky = TrustedKeys.empty();
    sneaky.add("release-2026", release2026, JAN_2026, null);
    assertThatThrownBy(() -> ledger.admit(dev, sneaky)).isInstanceOfSatisfying(SignatureRejected.class, r -> {
      assertThat(r.reason()).isEqualTo(Reason.TRUSTED_KEYS_ROLLED_BACK);
      assertThat(r.getMessage()).contains("leaked").contains(prod.toString());
    });
  }

  @Test
  void aTornLastLineIsDroppedAndAnythingElseThatIsNotALedgerLineStopsEverything() throws Exception {
    RevocationLedger ledger = ledger();
    TrustedKeys keys = TrustedKeys.empty();
    keys.add("release-2026", release2026, JAN_2026, null);
    keys.revoke(KeyIds.of(release2026), "leaked", JAN_2026.plusSeconds(60));
    Path file = dir.resolve("trusted-keys.yaml");
    keys.save(file);
    ledger.admit(file, TrustedKeys.load(file));
    Files.writeString(ledger.path(), "{\"file\":\"/x\",\"ser", StandardOpenOption.APPEND); // a crash mid-append

    TrustedKeys next = TrustedKeys.load(file);
    next.add("release-2027", release2027, JAN_2026, null);
    next.save(file);
    ledger.admit(file, TrustedKeys.load(file));
    assertThat(Files.readAllLines(ledger.path())).hasSize(3).allSatisfy(line -> assertThat(line).endsWith("}"));
    assertThat(ledger.revokedKeys()).containsOnlyKeys(KeyIds.of(release2026));

    Files.writeString(ledger.path(), "not json\n" + Files.readString(ledger.path()));
    assertThatThrownBy(() -> ledger.admit(file, TrustedKeys.load(file)))
        .isInstanceOfSatisfying(SignatureRejected.class, r -> assertThat(r.getMessage()).contains("line 1"));
  }

  @Test
  void concurrentVerificationsWriteEachSerialAndRevocationOnce() throws Exception {
    RevocationLedger ledger = ledger();
    Path file = dir.resolve("trusted-keys.yaml");
    TrustedKeys keys = TrustedKeys.empty();
    keys.add("release-2026", release2026, JAN_2026, null);
    keys.revoke(KeyIds.of(release2026), "leaked", JAN_2026.plusSeconds(60));
    keys.save(file);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        done.add(pool.submit(() -> ledger.admit(file, TrustedKeys.load(file))));
      }
      for (Future<?> future : done) {
        future.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(Files.readAllLines(ledger.path())).hasSize(2);
  }

  private RevocationLedger ledger() {
    return new RevocationLedger(dir.resolve("worker/revocation-ledger.jsonl"), Clock.systemUTC());
  }
}
