package dev.gantry.bench;

import dev.gantry.activities.local.Digests;
import dev.gantry.activities.signing.ArtifactSigner;
import dev.gantry.activities.signing.ArtifactVerifier;
import dev.gantry.activities.signing.BlobSigning;
import dev.gantry.activities.signing.InTotoStatements;
import dev.gantry.activities.signing.KeyFiles;
import dev.gantry.activities.signing.LocalKeySigner;
import dev.gantry.activities.signing.Provenance;
import dev.gantry.activities.signing.SignatureStore;
import dev.gantry.activities.signing.TrustedKeys;
import dev.gantry.workflows.api.artifact.ArtifactRef;
import dev.gantry.workflows.api.signing.SignatureRef;
import dev.gantry.workflows.api.signing.VerificationPolicy;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Signing throughput on a large file against {@code sha256sum} of the same file: signing is one streaming
 * SHA-256 plus one ECDSA signature, so the ratio says how much Gantry adds to reading and hashing.
 *
 * <pre>java -cp ... dev.gantry.bench.SigningThroughputBench [--size-mib 1024] [--runs 3] [--results bench/results]</pre>
 */
public final class SigningThroughputBench {

  public static void main(String[] args) throws Exception {
    long sizeMib = 1024;
    int runs = 3;
    Path results = Path.of("bench/results");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--size-mib" -> sizeMib = Long.parseLong(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--results" -> results = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + " (known: --size-mib N, --runs N, --results DIR)");
      }
    }
    Path work = Files.createTempDirectory("gantry-signing-bench");
    try {
      Path file = work.resolve("artifact.bin");
      writeRandom(file, sizeMib);
      LocalKeySigner signer = new LocalKeySigner(KeyFiles.generate());
      ArtifactRef artifact = ArtifactRef.file(file.toString(), Digests.sha256(file)); // also warms the page cache

      double[] sha256sum = new double[runs];
      double[] sign = new double[runs];
      double[] release = new double[runs];
      double[] verify = new double[runs];
      for (int run = 0; run < runs; run++) {
        sha256sum[run] = seconds(() -> sha256sum(file));
        sign[run] = seconds(() -> BlobSigning.sign(file, signer));
        Path store = work.resolve("store-" + run);
        List<SignatureRef> made = new ArrayList<>();
        // What the release's signing activity does: check the digest, sign, attest the provenance.
        release[run] = seconds(() -> {
          ArtifactSigner signing = new ArtifactSigner(new SignatureStore(store));
          made.add(signing.sign(artifact, signer));
          made.add(signing.attest(artifact, InTotoStatements.SLSA_PROVENANCE_V1, signer,
              () -> InTotoStatements.slsaProvenance("artifact.bin", artifact.digest().substring(7),
                  new Provenance("https://gantry.dev/bench", "https://gantry.dev/bench", Map.of(), null, null, null,
                      Instant.now(), Instant.now()))));
        });
        Path trusted = work.resolve("trusted-" + run + ".yaml");
        TrustedKeys keys = TrustedKeys.empty();
        keys.add("bench", signer.publicKey(), Instant.now().minusSeconds(60), null);
        keys.save(trusted);
        verify[run] = seconds(() -> new ArtifactVerifier().verify(artifact, made,
            new VerificationPolicy(true, trusted.toString(), List.of(InTotoStatements.SLSA_PROVENANCE_V1), null),
            Instant.now()));
      }
      String table = table(sizeMib, runs, sha256sum, sign, release, verify);
      System.out.print(table);
      Files.createDirectories(results);
      Files.writeString(results.resolve("signing-throughput.md"), table);
      StringBuilder csv = new StringBuilder("run,size_mib,sha256sum_s,sign_s,release_sign_and_attest_s,verify_s\n");
      for (int run = 0; run < runs; run++) {
        csv.append(String.format(Locale.ROOT, "%d,%d,%.3f,%.3f,%.3f,%.3f%n", run + 1, sizeMib, sha256sum[run],
            sign[run], release[run], verify[run]));
      }
      Files.writeString(results.resolve("signing-throughput.csv"), csv);
    } finally {
      try (var files = Files.walk(work)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  private static String table(long sizeMib, int runs, double[] sha256sum, double[] sign, double[] release,
      double[] verify) {
    double base = median(sha256sum);
    StringBuilder table = new StringBuilder()
        .append("## Signing throughput (").append(sizeMib).append(" MiB file, median of ").append(runs)
        .append(" runs, page cache warm, ").append(Runtime.version()).append(", ")
        .append(Runtime.getRuntime().availableProcessors()).append(" cores)\n\n")
        .append("| step | median s | MiB/s | vs sha256sum |\n|---|---:|---:|---:|\n");
    row(table, "`sha256sum` (coreutils)", median(sha256sum), sizeMib, base);
    row(table, "BlobSigning.sign (hash + ECDSA P-256)", median(sign), sizeMib, base);
    row(table, "release signing step (digest check + sign + SLSA attestation)", median(release), sizeMib, base);
    row(table, "verification gate (digest + signature + attestation + key trust)", median(verify), sizeMib, base);
    return table.toString();
  }

  private static void row(StringBuilder table, String step, double seconds, long sizeMib, double base) {
    table.append(String.format(Locale.ROOT, "| %s | %.2f | %.0f | %.2fx |%n", step, seconds, sizeMib / seconds,
        seconds / base));
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  interface Step {
    void run() throws Exception;
  }

  private static double seconds(Step step) throws Exception {
    long start = System.nanoTime();
    step.run();
    return (System.nanoTime() - start) / 1e9;
  }

  private static void sha256sum(Path file) throws IOException, InterruptedException {
    Process process = new ProcessBuilder("sha256sum", file.toString()).redirectErrorStream(true).start();
    process.getInputStream().readAllBytes();
    if (process.waitFor() != 0) {
      throw new IllegalStateException("sha256sum failed");
    }
  }

  private static void writeRandom(Path file, long sizeMib) throws IOException {
    SplittableRandom random = new SplittableRandom(42);
    byte[] block = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long i = 0; i < sizeMib; i++) {
        for (int j = 0; j < block.length; j += 8) {
          long value = random.nextLong();
          for (int k = 0; k < 8; k++) {
            block[j + k] = (byte) (value >>> (8 * k));
          }
        }
        out.write(block);
      }
    }
  }
}
