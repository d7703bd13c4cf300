package dev.gantry.activities.support;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Folders the worker creates and may therefore delete. A folder it creates gets a marker file; a folder
 * without the marker was made by someone else (or is not what its name suggests) and is never deleted,
 * whatever a request says. Deleting never follows a symbolic link: a link inside the tree is removed as a
 * link, and a folder that is itself a link is not ours.
 */
public final class OwnedFolders {
  private OwnedFolders() {}

  /**
   * Creates {@code dir} (its parents as plain folders) and marks it as ours, if this call creates it. A
   * folder that already exists keeps whatever it was: marking someone else's folder would make it
   * deletable. (A crash between creating and marking leaves a folder that is never deleted: the safe side.)
   *
   * @return whether {@code dir} is ours now
   */
  public static boolean create(Path dir, String marker) throws IOException {
    Files.createDirectories(dir.getParent());
    try {
      Files.createDirectory(dir);
    } catch (FileAlreadyExistsException exists) {
      return isOwned(dir, marker);
    }
    Files.writeString(dir.resolve(marker), "created by the Gantry worker, which deletes only folders holding"
        + " this file\n");
    return true;
  }

  /** A real folder (not a link to one) holding the marker as a regular file (not a link to one). */
  public static boolean isOwned(Path dir, String marker) {
    return Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
        && Files.isRegularFile(dir.resolve(marker), LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * Deletes {@code dir} and everything in it without following links; for folders the caller created
   * (checked with {@link #isOwned}, or a temp folder it made itself). A link given as {@code dir} is
   * refused: a link is never ours to descend.
   */
  public static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (Files.isSymbolicLink(dir)) {
      throw new IOException(dir + " is a symbolic link, not a folder the worker made: left alone");
    }
    // walkFileTree without FOLLOW_LINKS visits a link as a file: it is deleted, its target is not touched.
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path folder, IOException e) throws IOException {
        if (e != null) {
          throw e;
        }
        Files.delete(folder);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
