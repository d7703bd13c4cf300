package dev.gantry.activities.signing.oci;

import dev.gantry.activities.support.TestTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real cosign, run in a test's temporary directory with the key password {@code x}. */
final class CosignCli {
  record Result(int exitCode, String output) {}

  private final Path cosign;
  private final Path workDir;

  CosignCli(Path workDir) {
    this.cosign = TestTools.require("bin/cosign");
    this.workDir = workDir;
  }

  Result run(String... args) {
    List<String> command = new ArrayList<>(List.of(cosign.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
    builder.environment().put("COSIGN_PASSWORD", "x");
    // keep cosign's TUF cache out of the home directory; there is no network to fill it anyway
    builder.environment().put("TUF_ROOT", workDir.resolve("tuf").toString());
    try {
      Process process = builder.start();
      process.getOutputStream().close();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("cosign " + String.join(" ", args) + " did not finish in 120 s");
      }
      return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
