package dev.gantry.activities.signing;

import dev.gantry.activities.support.TestTools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real cosign binary, run offline in a working directory (skips the test when it is not installed). */
final class CosignCli {
  private final Path cosign = TestTools.require("bin/cosign");
  private final Path workDir;

  record Result(int exitCode, String output) {}

  CosignCli(Path workDir) {
    this.workDir = workDir;
  }

  Result run(String password, String... args) {
    List<String> command = new ArrayList<>(List.of(cosign.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
    builder.environment().put("COSIGN_PASSWORD", password == null ? "" : password);
    builder.environment().put("COSIGN_YES", "true");
    // Keep cosign's TUF cache out of the real home directory.
    builder.environment().put("TUF_ROOT", workDir.resolve(".sigstore").toString());
    builder.environment().put("HOME", workDir.toString());
    try {
      Process process = builder.start();
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("cosign " + args[0] + " did not finish");
      }
      return new Result(process.exitValue(), output);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + cosign, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@code cosign verify-blob} with a public key and no transparency log: what the release gate relies on. */
  Result verifyBlob(Path publicKey, Path signature, Path blob) {
    return run(null, "verify-blob", "--key", publicKey.toString(), "--signature", signature.toString(),
        "--insecure-ignore-tlog=true", blob.toString());
  }
}
