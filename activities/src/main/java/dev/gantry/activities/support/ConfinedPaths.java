package dev.gantry.activities.support;

import dev.gantry.workflows.api.input.Names;
import dev.gantry.workflows.api.temporal.Failures;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Paths built from hostile input stay inside a declared root. The one place that decides it, for every
 * adapter that turns a name into a folder and every reader of a file named by configuration.
 *
 * <p>Symbolic links are resolved, not trusted: a link inside the root that points outside it is an
 * escape like {@code ..}. The check compares real paths ({@link Path#toRealPath}) of the part that
 * exists; the part that does not exist yet cannot be a link, so it cannot escape either.
 *
 * <p>Every refusal is a non-retryable {@link ApplicationFailure} of type {@link Failures#INVALID_REQUEST}
 * (retrying cannot make a path acceptable). Its message names the root and shows the offending value with
 * {@link Names#shown}, so a hostile value can neither forge lines nor grow the message.
 */
public final class ConfinedPaths {
  /** The longest segment Linux accepts (NAME_MAX, in bytes). */
  public static final int MAX_SEGMENT_BYTES = 255;
  /** The longest path Linux accepts (PATH_MAX, in bytes). */
  public static final int MAX_PATH_BYTES = 4096;

  private ConfinedPaths() {}

  /**
   * {@code root/segments[0]/segments[1]/...}, with every existing part's symbolic links resolved,
   * refused unless it lies inside {@code root} (whose own links are resolved too, so a root that is itself
   * a link is fine).
   *
   * <p>Each segment must be one plain file name: not empty, not {@code .} or {@code ..}, no {@code /}, no
   * NUL or other control character, at most {@link #MAX_SEGMENT_BYTES} bytes. The root need not exist yet.
   *
   * @return the real path (links resolved) of the existing part, followed by the segments that do not
   *     exist yet; callers then create, read or write that path and nothing else
   */
  public static Path inside(Path root, String... segments) {
    Path absoluteRoot = absolute(root);
    Path candidate = absoluteRoot;
    for (String segment : segments) {
      candidate = candidate.resolve(plainSegment(segment, absoluteRoot));
    }
    requireNotTooLong(candidate, absoluteRoot);
    Path realRoot = realPathOfExistingPart(absoluteRoot);
    Path realCandidate = realPathOfExistingPart(candidate);
    if (!realCandidate.startsWith(realRoot)) {
      throw refused(String.join("/", segments), "leads outside " + absoluteRoot
          + " (through a symbolic link)");
    }
    return realCandidate;
  }

  /**
   * The real path of {@code file}, which must be absolute, exist, be a regular file (after links), and lie
   * inside one of {@code roots} (compared by real paths; roots that do not exist are skipped).
   */
  public static Path existingFileInside(List<Path> roots, Path file) {
    if (file == null || !file.isAbsolute()) {
      throw refused(file == null ? null : file.toString(), "is not an absolute path");
    }
    requireNotTooLong(file, file);
    Path real;
    try {
      real = file.toRealPath();
    } catch (NoSuchFileException e) {
      throw refused(file.toString(), "does not exist");
    } catch (IOException e) {
      throw refused(file.toString(), "cannot be resolved (" + e.getClass().getSimpleName() + ")");
    }
    if (!Files.isRegularFile(real)) {
      throw refused(file.toString(), "is not a regular file");
    }
    for (Path root : roots) {
      Path realRoot = existingRealPath(root);
      if (realRoot != null && real.startsWith(realRoot)) {
        return real;
      }
    }
    throw refused(file.toString(), "is outside the allowed folders " + absoluteAll(roots));
  }

  /** As {@link #existingFileInside(List, Path)}, for a path as configuration spells it. */
  public static Path existingFileInside(List<Path> roots, String file) {
    return existingFileInside(roots, parse(file));
  }

  /** Whether {@code segment} is one plain file name (see {@link #inside}); for callers that want to skip. */
  public static boolean isPlainSegment(String segment) {
    return segment != null && !segment.isEmpty() && !segment.equals(".") && !segment.equals("..")
        && segment.indexOf('/') < 0 && segment.chars().noneMatch(c -> c < 0x20 || c == 0x7f)
        && segment.getBytes(StandardCharsets.UTF_8).length <= MAX_SEGMENT_BYTES;
  }

  private static String plainSegment(String segment, Path root) {
    if (!isPlainSegment(segment)) {
      throw refused(segment, "is not a plain file name under " + root
          + " (empty, '.', '..', a '/', a control character, or longer than " + MAX_SEGMENT_BYTES + " bytes)");
    }
    return segment;
  }

  private static void requireNotTooLong(Path path, Path shownAs) {
    if (path.toString().getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
      throw refused(shownAs.toString(), "makes a path longer than " + MAX_PATH_BYTES + " bytes");
    }
  }

  private static Path absolute(Path root) {
    if (root == null || root.toString().isEmpty()) {
      throw refused(null, "is no root folder");
    }
    return root.toAbsolutePath().normalize();
  }

  private static Path parse(String file) {
    if (file == null || file.isEmpty()) {
      throw refused(file, "is not a path");
    }
    try {
      return Path.of(file);
    } catch (InvalidPathException e) {
      // NUL bytes and the like: the reason would quote the value, so it is not passed on.
      throw refused(file, "is not a valid path");
    }
  }

  /**
   * The real path of the longest existing prefix, with the rest appended unchanged. A dangling link in
   * the prefix is refused: what it will point at when it is created through is not ours to guess.
   */
  private static Path realPathOfExistingPart(Path absolute) {
    List<Path> missing = new ArrayList<>();
    Path existing = absolute;
    while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      missing.add(0, existing.getFileName());
      existing = existing.getParent();
    }
    if (existing == null) {
      return absolute;
    }
    Path real;
    try {
      real = existing.toRealPath();
    } catch (IOException e) {
      throw refused(existing.toString(), "is a symbolic link that cannot be resolved");
    }
    for (Path name : missing) {
      real = real.resolve(name);
    }
    return real;
  }

  private static Path existingRealPath(Path root) {
    try {
      return root == null ? null : root.toAbsolutePath().toRealPath();
    } catch (IOException e) {
      return null;
    }
  }

  private static List<Path> absoluteAll(List<Path> roots) {
    return roots.stream().map(root -> root.toAbsolutePath().normalize()).toList();
  }

  private static ApplicationFailure refused(String value, String why) {
    return ApplicationFailure.newNonRetryableFailure("refused path " + Names.shown(value) + ": it " + why,
        Failures.INVALID_REQUEST);
  }
}
