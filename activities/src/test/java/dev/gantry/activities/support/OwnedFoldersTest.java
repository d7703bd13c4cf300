package dev.gantry.activities.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OwnedFoldersTest {
  private static final String MARKER = ".gantry-test";
  @TempDir Path tmp;

  @Test
  void aFolderWeCreateIsOursAndOneWeDidNotIsNot() throws IOException {
    Path ours = tmp.resolve("a/ours");
    Path theirs = Files.createDirectories(tmp.resolve("theirs"));

    assertThat(OwnedFolders.create(ours, MARKER)).isTrue();
    assertThat(OwnedFolders.create(ours, MARKER)).as("still ours").isTrue();
    assertThat(OwnedFolders.create(theirs, MARKER)).as("an existing folder is not claimed").isFalse();
    assertThat(OwnedFolders.isOwned(ours, MARKER)).isTrue();
    assertThat(OwnedFolders.isOwned(theirs, MARKER)).isFalse();
  }

  @Test
  void aLinkToOneOfOurFoldersIsNotOurs() throws IOException {
    Path ours = created(tmp.resolve("ours"));
    Path link = Files.createSymbolicLink(tmp.resolve("link"), ours);
    Path fake = Files.createDirectories(tmp.resolve("fake"));
    Files.createSymbolicLink(fake.resolve(MARKER), ours.resolve(MARKER));

    assertThat(OwnedFolders.isOwned(link, MARKER)).isFalse();
    assertThat(OwnedFolders.isOwned(fake, MARKER)).as("a linked marker is not a marker").isFalse();
  }

  @Test
  void deletingATreeRemovesLinksNotWhatTheyPointAt() throws IOException {
    Path precious = Files.writeString(Files.createDirectories(tmp.resolve("precious")).resolve("data"), "keep");
    Path ours = created(tmp.resolve("ours"));
    Files.createSymbolicLink(ours.resolve("to-precious"), precious.getParent());
    Files.createSymbolicLink(ours.resolve("to-file"), precious);

    OwnedFolders.deleteTree(ours);

    assertThat(ours).doesNotExist();
    assertThat(precious).hasContent("keep");
  }

  @Test
  void aLinkIsNeverDeletedAsATree() throws IOException {
    Path precious = Files.writeString(Files.createDirectories(tmp.resolve("precious")).resolve("data"), "keep");
    Path link = Files.createSymbolicLink(tmp.resolve("link"), precious.getParent());

    IOException refused = catchThrowableOfType(IOException.class, () -> OwnedFolders.deleteTree(link));

    assertThat(refused).hasMessageContaining("left alone");
    assertThat(precious).hasContent("keep");
    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(Files.exists(link, LinkOption.NOFOLLOW_LINKS)).isTrue();
  }

  private static Path created(Path dir) throws IOException {
    assertThat(OwnedFolders.create(dir, MARKER)).isTrue();
    return dir;
  }
}
