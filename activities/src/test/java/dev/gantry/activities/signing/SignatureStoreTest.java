package dev.gantry.activities.signing;

import dev.gantry.activities.support.TestKeys;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.activities.local.Digests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignatureStoreTest {
  private static final String DIGEST = "sha256:" + "ab".repeat(32);
  private static final String KEY_ID = "2G6bHylk4dcrYGaadHYjcZ6kCO3mA5Og+yJjO/ikCFE="; // a real hint has / and +

  @TempDir Path dir;

  @Test
  void retriedSignReturnsTheFirstSignatureWithoutSigningAgain() {
    SignatureStore store = new SignatureStore(dir.resolve("signatures"));
    AtomicInteger signings = new AtomicInteger();

    String first = store.getOrCreate(DIGEST, KEY_ID, "blob", () -> "{\"n\":" + signings.incrementAndGet() + "}");
    String retried = store.getOrCreate(DIGEST, KEY_ID, "blob", () -> "{\"n\":" + signings.incrementAndGet() + "}");

    assertThat(retried).isEqualTo(first).isEqualTo("{\"n\":1}");
    assertThat(signings).hasValue(1);
  }

  @Test
  void keysAndKindsWithSlashesPlusAndUrisAreKeptApart() throws Exception {
    SignatureStore store = new SignatureStore(dir);

    store.getOrCreate(DIGEST, "a/b+c=", "blob", () -> "blob");
    store.getOrCreate(DIGEST, "a/b+c=", InTotoStatements.SLSA_PROVENANCE_V1, () -> "slsa");
    store.getOrCreate(DIGEST, "a/b+d=", "blob", () -> "other key");

    assertThat(store.getOrCreate(DIGEST, "a/b+c=", InTotoStatements.SLSA_PROVENANCE_V1, () -> "again"))
        .isEqualTo("slsa");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .hasSize(3)
          .allMatch(name -> name.matches("[0-9a-f]{64}\\.json"));
    }
  }

  @Test
  void concurrentCreatorsAllGetTheOneStoredValue() throws Exception {
    SignatureStore store = new SignatureStore(dir);
    int writers = 16;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    // Every creator signs before any publishes: the widest race, where a publish that replaces (rename)
    // would leave callers holding different signatures. A store that serializes creators times out here.
    CyclicBarrier allSigned = new CyclicBarrier(writers);
    List<Future<String>> results = new ArrayList<>();
    try {
      for (int i = 0; i < writers; i++) {
        String value = "{\"writer\":" + i + "}";
        Callable<String> create = () -> store.getOrCreate(DIGEST, KEY_ID, "blob", () -> {
          awaitQuietly(allSigned);
          return value;
        });
        results.add(pool.submit(create));
      }
      Set<String> returned = new HashSet<>();
      for (Future<String> result : results) {
        returned.add(result.get());
      }

      assertThat(returned).hasSize(1);
      assertThat(store.getOrCreate(DIGEST, KEY_ID, "blob", () -> "late")).isEqualTo(returned.iterator().next());
      try (Stream<Path> files = Files.list(dir)) {
        assertThat(files).hasSize(1); // no temp file left behind
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static void awaitQuietly(CyclicBarrier barrier) {
    try {
      barrier.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (BrokenBarrierException | TimeoutException e) {
      // a store that lets creators in one at a time: fine, it cannot race
    }
  }

  @Test
  void storesRealSignaturesThatReadBack() throws IOException {
    SignatureStore store = new SignatureStore(dir.resolve("signatures"));
    LocalKeySigner signer = TestKeys.newSigner();
    Path artifact = Files.writeString(dir.resolve("app.bin"), "bytes");
    String digest = Digests.sha256(artifact);

    String first = store.getOrCreate(digest, signer.keyId(), "blob", () -> BlobSigning.sign(artifact, signer).bundleJson());
    String second = store.getOrCreate(digest, signer.keyId(), "blob", () -> BlobSigning.sign(artifact, signer).bundleJson());

    assertThat(second).isEqualTo(first); // ECDSA is randomized: a second signing would differ
    assertThat(BlobSignature.fromBundle(second).digest()).isEqualTo(digest);
  }
}
