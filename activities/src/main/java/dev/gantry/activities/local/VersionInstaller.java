package dev.gantry.activities.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.activities.support.OwnedFolders;
import dev.gantry.workflows.api.deploy.DeployRequest;
import dev.gantry.workflows.api.temporal.Failures;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Puts an artifact's verified bytes into its version folder of a region ({@code releases/<version>/}): the
 * source is checked against the release's digest, copied, and the copy checked again before it moves in.
 */
final class VersionInstaller {
  static final String DEPLOY_RECORD = ".gantry-deploy.json";

  private final ObjectMapper json;
  private final Clock clock;

  VersionInstaller(ObjectMapper json, Clock clock) {
    this.json = json;
    this.clock = clock;
  }

  /**
   * Refuses an artifact whose bytes are not the ones the release was started with. The message names the
   * expected digest only: the actual one would let a caller learn the digest of any file the worker can
   * read (a wrong digest for /etc/shadow once answered with the right one).
   */
  static void requireDigest(Path file, String expected) {
    if (!Files.isRegularFile(file)) {
      throw ApplicationFailure.newNonRetryableFailure("artifact " + file + " does not exist or is not"
          + " a file", Failures.ARTIFACT_DIGEST_MISMATCH);
    }
    if (!Digests.sha256(file).equals(expected)) {
      throw ApplicationFailure.newNonRetryableFailure("artifact " + file + " does not have the digest the"
          + " release was started with (" + expected + "): the file changed after the release started;"
          + " refusing to deploy it (start a new release for the new bytes)", Failures.ARTIFACT_DIGEST_MISMATCH);
    }
  }

  /**
   * Copies the artifact into its version folder once; a partial copy from a crashed attempt is redone. A
   * version folder that exists without our deploy record was not made by us: it is refused, never
   * replaced (a hostile chain of releases once deleted an unrelated folder that way).
   */
  void ensureVersionInstalled(Path source, Path versionDir, DeployRequest request)
      throws IOException {
    Path installed = versionDir.resolve(source.getFileName());
    boolean ours = OwnedFolders.isOwned(versionDir, DEPLOY_RECORD);
    if (ours && Files.isRegularFile(installed, LinkOption.NOFOLLOW_LINKS)
        && Digests.sha256(installed).equals(request.artifact().digest())) {
      return;
    }
    if (!ours && Files.exists(versionDir, LinkOption.NOFOLLOW_LINKS)) {
      throw ApplicationFailure.newNonRetryableFailure(versionDir + " exists but was not installed by Gantry"
          + " (it has no " + DEPLOY_RECORD + "): it is left alone; move it away, or release another version",
          Failures.UNSUPPORTED_TARGET);
    }
    Path releases = versionDir.getParent();
    Files.createDirectories(releases);
    Path staging = releases.resolve("." + request.version() + ".tmp-" + UUID.randomUUID());
    Files.createDirectory(staging);
    Path copy = staging.resolve(source.getFileName());
    Files.copy(source, copy, StandardCopyOption.COPY_ATTRIBUTES);
    // What is installed is what was verified: the bytes of the copy itself, read back from the copy, are
    // the signed digest, or nothing moves. The source may have changed since it was checked (and verified).
    if (!Digests.sha256(copy).equals(request.artifact().digest())) {
      OwnedFolders.deleteTree(staging);
      throw ApplicationFailure.newNonRetryableFailure("the copy of " + source + " made for " + request.version()
          + " does not have the signed digest (" + request.artifact().digest() + "): the file changed between"
          + " its verification and the install; nothing was installed (start a new release for the new bytes,"
          + " and find out what wrote the file)", Failures.ARTIFACT_DIGEST_MISMATCH);
    }
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("releaseId", request.releaseId());
    record.put("version", request.version());
    record.put("artifactDigest", request.artifact().digest());
    record.put("installedAt", clock.instant().toString());
    Files.write(staging.resolve(DEPLOY_RECORD), json.writeValueAsBytes(record));
    if (ours) {
      // Our own install of other bytes under this version, or one a crash left incomplete.
      OwnedFolders.deleteTree(versionDir);
    }
    Files.move(staging, versionDir, StandardCopyOption.ATOMIC_MOVE);
  }
}
