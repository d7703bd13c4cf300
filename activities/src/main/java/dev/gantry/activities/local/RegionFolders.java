package dev.gantry.activities.local;

import dev.gantry.activities.support.BoundedFiles;
import dev.gantry.activities.support.ConfinedPaths;
import dev.gantry.activities.support.OwnedFolders;
import dev.gantry.activities.support.ValidNames;
import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.input.Names;
import dev.gantry.workflows.api.temporal.Failures;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * The folders of the {@code local} target ({@link LocalTarget} says what they hold): where each one is, refused
 * unless its names are names and it stays inside {@code target.root}; the {@code current} link, flipped
 * atomically; and the small marker files that remember what Gantry did.
 */
final class RegionFolders {
  static final String CURRENT = "current";
  static final String RELEASES = "releases";
  static final String PREVIOUS_MARKER = ".previous";
  static final String FLIPPED_BY_MARKER = ".flipped-by";
  /** Markers hold a version or a release id: anything longer was not written by us. */
  private static final long MAX_MARKER_BYTES = 4 * BoundedFiles.KIB;

  private RegionFolders() {}

  /** The version {@code current} points at in a region, or null if nothing was ever deployed there. */
  static String currentVersion(Path regionDir) {
    Path current = regionDir.resolve(CURRENT);
    if (!Files.isSymbolicLink(current)) {
      return null;
    }
    String version = linkedVersion(current);
    if (version == null) {
      throw ApplicationFailure.newNonRetryableFailure(current + " does not point at " + RELEASES
          + "/<version>: it was not set by Gantry; refusing to act on this region", Failures.UNSUPPORTED_TARGET);
    }
    return version;
  }

  /** The version a {@code current} link names, or null when it does not point at {@code releases/<version>}. */
  static String linkedVersion(Path current) {
    Path target;
    try {
      target = Files.readSymbolicLink(current);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + current + ": " + e.getMessage(), e);
    }
    // We only ever write releases/<version>: a link elsewhere was not set by us and is not followed.
    String version = target.getFileName() == null ? null : target.getFileName().toString();
    return Names.isVersion(version) && target.equals(Path.of(RELEASES, version)) ? version : null;
  }

  /** {@code <root>/<environment>/<region>}, refused unless both are names and it stays inside the root. */
  static Path regionDir(DeployTarget target, String environment, String region) {
    ValidNames.name("environment", environment);
    ValidNames.name("region", region);
    return ConfinedPaths.inside(root(target, environment), environment, region);
  }

  /** {@code <root>/<environment>}, refused unless the environment is a name. */
  static Path environmentDir(DeployTarget target, String environment) {
    ValidNames.name("environment", environment);
    return ConfinedPaths.inside(root(target, environment), environment);
  }

  private static Path root(DeployTarget target, String environment) {
    if (target == null || target.root() == null || target.root().isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "target.root is missing for the local target of " + environment, Failures.INVALID_REQUEST);
    }
    try {
      return Path.of(target.root());
    } catch (InvalidPathException e) {
      throw ApplicationFailure.newNonRetryableFailure("target.root of " + environment + " is not a valid path",
          Failures.INVALID_REQUEST);
    }
  }

  /**
   * {@code <regionDir>/releases/<version>}, refused unless the version is one and neither {@code releases}
   * nor the version folder is a symbolic link (we never make either one).
   */
  static Path versionDir(Path regionDir, String version) {
    ValidNames.version("version", version);
    Path versionDir = ConfinedPaths.inside(regionDir, RELEASES, version);
    if (!versionDir.equals(regionDir.resolve(RELEASES).resolve(version))) {
      throw ApplicationFailure.newNonRetryableFailure(regionDir.resolve(RELEASES).resolve(version)
          + " goes through a symbolic link: it was not made by Gantry; refusing to use it",
          Failures.UNSUPPORTED_TARGET);
    }
    return versionDir;
  }

  /**
   * The environment and region folders, marked as ours when this call creates them, so that retiring the
   * environment or deleting the region's stack may delete them later (and nothing else).
   */
  static void createOwnedFolders(DeployTarget target, String environment, Path regionDir)
      throws IOException {
    OwnedFolders.create(environmentDir(target, environment), LocalTarget.ENVIRONMENT_MARKER);
    OwnedFolders.create(regionDir, LocalTarget.REGION_MARKER);
  }

  static void pointCurrentAt(Path regionDir, String version) throws IOException {
    Path link = regionDir.resolve("." + CURRENT + ".tmp-" + UUID.randomUUID());
    Files.createSymbolicLink(link, Path.of(RELEASES, version));
    // rename(2) over the old link: readers see the old version or the new one, never neither.
    Files.move(link, regionDir.resolve(CURRENT), StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  /** The version {@code .previous} names, or null; anything but a version there was not written by us. */
  static String readPrevious(Path versionDir) {
    Path marker = versionDir.resolve(PREVIOUS_MARKER);
    String previous = readMarker(marker);
    if (previous != null && !Names.isVersion(previous)) {
      throw ApplicationFailure.newNonRetryableFailure(marker + " does not hold a version: it was not written"
          + " by Gantry; refusing to roll back to it", Failures.UNSUPPORTED_TARGET);
    }
    return previous;
  }

  static String readMarker(Path marker) {
    try {
      if (!Files.exists(marker, LinkOption.NOFOLLOW_LINKS)) {
        return null;
      }
      if (Files.isSymbolicLink(marker)) {
        throw new IOException(marker + " is a symbolic link, not a marker Gantry wrote");
      }
      String content = BoundedFiles.readString(marker, MAX_MARKER_BYTES).trim();
      return content.isEmpty() ? null : content;
    } catch (BoundedFiles.Refused e) {
      throw new UncheckedIOException(marker + " " + BoundedFiles.describe(e), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + marker + ": " + e.getMessage(), e);
    }
  }

  static void writeAtomically(Path file, byte[] content) throws IOException {
    Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp-" + UUID.randomUUID());
    Files.write(tmp, content);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
