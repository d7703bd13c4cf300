package dev.gantry.activities.signing;

import dev.gantry.activities.support.TestTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The real cosign 2.6.1, offline: no transparency log upload or check, and for bundles an empty trusted
 * root (2.6.1 refuses a v0.3 bundle without {@code --trusted-root}, even for a plain key, and would
 * otherwise fetch one over TUF).
 */
final class Cosign {
  static final String PASSWORD = "test-password";
  private final Path binary;
  private final Path workDir;

  Cosign(Path workDir) {
    this.binary = TestTools.require("bin/cosign");
    this.workDir = workDir;
  }

  Path workDir() {
    return workDir;
  }

  /** {@code cosign generate-key-pair}: cosign.key (encrypted, stays cosign's) and cosign.pub. */
  Path generateKeyPair() {
    Processes.Result result = run("generate-key-pair");
    if (!result.ok()) {
      throw new AssertionError("cosign generate-key-pair failed: " + result.output());
    }
    return workDir.resolve("cosign.pub");
  }

  Path emptyTrustedRoot() {
    Path root = workDir.resolve("empty-trusted-root.json");
    try {
      return Files.writeString(root, "{\"mediaType\":\"application/vnd.dev.sigstore.trustedroot+json;version=0.1\"}");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Processes.Result verifyBlobSignature(Path publicKey, Path signature, Path artifact) {
    return run("verify-blob", "--key", publicKey.toString(), "--signature", signature.toString(),
        "--insecure-ignore-tlog=true", artifact.toString());
  }

  Processes.Result verifyBlobBundle(Path publicKey, Path bundle, Path artifact) {
    return run("verify-blob", "--key", publicKey.toString(), "--bundle", bundle.toString(),
        "--trusted-root", emptyTrustedRoot().toString(), "--insecure-ignore-tlog=true", artifact.toString());
  }

  /**
   * Beware: with {@code --bundle}, cosign 2.6.1 does not check {@code --type} (an SLSA attestation passes
   * {@code --type spdxjson}); only the signature and the subject digest are checked. Ours checks the type.
   */
  Processes.Result verifyBlobAttestation(Path publicKey, Path bundle, String type, Path artifact) {
    return run("verify-blob-attestation", "--key", publicKey.toString(), "--bundle", bundle.toString(),
        "--type", type, "--trusted-root", emptyTrustedRoot().toString(), "--insecure-ignore-tlog=true",
        artifact.toString());
  }

  /** {@code cosign sign-blob} with cosign's own key: writes {@code bundle} (v0.3) and {@code signature}. */
  void signBlob(Path artifact, Path bundle, Path signature) {
    expectOk(run("sign-blob", "--key", "cosign.key", "--bundle", bundle.toString(), "--new-bundle-format",
        "--output-signature", signature.toString(), "--tlog-upload=false", "--yes", artifact.toString()));
  }

  /** {@code cosign attest-blob} of a statement we wrote, into a bundle v0.3. */
  void attestBlobStatement(Path statement, Path bundle, Path artifact) {
    expectOk(run("attest-blob", "--key", "cosign.key", "--statement", statement.toString(), "--bundle",
        bundle.toString(), "--new-bundle-format", "--tlog-upload=false", "--yes", artifact.toString()));
  }

  /** {@code cosign attest-blob} of a bare predicate: cosign writes the statement itself. */
  void attestBlobPredicate(Path predicate, String type, Path bundle, Path artifact) {
    expectOk(run("attest-blob", "--key", "cosign.key", "--predicate", predicate.toString(), "--type", type,
        "--bundle", bundle.toString(), "--new-bundle-format", "--tlog-upload=false", "--yes",
        artifact.toString()));
  }

  private static void expectOk(Processes.Result result) {
    if (!result.ok()) {
      throw new AssertionError("cosign failed (" + result.exitCode() + "): " + result.output());
    }
  }

  Processes.Result run(String... args) {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.addAll(List.of(args));
    // no TUF/Rekor lookups leave the machine: the commands above are all offline
    return Processes.run(workDir, Map.of("COSIGN_PASSWORD", PASSWORD, "TUF_ROOT", workDir.resolve("tuf").toString()),
        command);
  }
}
