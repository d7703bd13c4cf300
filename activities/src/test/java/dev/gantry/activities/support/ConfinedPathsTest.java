package dev.gantry.activities.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gantry.workflows.api.temporal.Failures;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfinedPathsTest {
  @TempDir Path tmp;
  private Path root;
  private Path outside;

  @BeforeEach
  void setUp() throws IOException {
    root = Files.createDirectories(tmp.resolve("root"));
    outside = Files.createDirectories(tmp.resolve("outside"));
  }

  // ----- inside -----------------------------------------------------------------------------------

  @Test
  void plainNamesResolveUnderTheRootEvenBeforeTheyExist() throws IOException {
    Files.createDirectories(root.resolve("staging"));

    Path path = ConfinedPaths.inside(root, "staging", "eu-west-1", "releases", "1.4.0+build.7");

    assertThat(path).isEqualTo(root.toRealPath().resolve("staging/eu-west-1/releases/1.4.0+build.7"));
  }

  @Test
  void aRootThatDoesNotExistYetIsFine() {
    Path path = ConfinedPaths.inside(root.resolve("not-yet"), "staging");

    assertThat(path).isEqualTo(tmp.resolve("root/not-yet/staging"));
  }

  @Test
  void aRootThatIsItselfALinkIsFollowedAndStillConfines() throws IOException {
    Path link = Files.createSymbolicLink(tmp.resolve("root-link"), root);

    assertThat(ConfinedPaths.inside(link, "staging")).isEqualTo(root.toRealPath().resolve("staging"));
    Files.createSymbolicLink(root.resolve("escape"), outside);
    assertRefused(() -> ConfinedPaths.inside(link, "escape", "x"), "outside");
  }

  @ParameterizedTest
  @ValueSource(strings = {"..", ".", "", "../etc", "a/b", "/etc", "/", "a\u0000b", "tab\there", "line\nbreak"})
  void aSegmentThatIsNotOnePlainNameIsRefused(String segment) {
    ApplicationFailure failure = assertRefused(() -> ConfinedPaths.inside(root, "staging", segment),
        "not a plain file name");

    assertThat(failure.getOriginalMessage()).as("shown safely, on one line").doesNotContain("\n")
        .doesNotContain("\u0000");
  }

  @Test
  void aNullSegmentIsRefused() {
    assertRefused(() -> ConfinedPaths.inside(root, "staging", null), "not a plain file name");
  }

  @Test
  void anOverLongSegmentIsRefusedAndNotShownWhole() {
    String longName = "a".repeat(ConfinedPaths.MAX_SEGMENT_BYTES + 1);

    ApplicationFailure failure = assertRefused(() -> ConfinedPaths.inside(root, longName), "255 bytes");

    assertThat(failure.getOriginalMessage()).doesNotContain(longName).contains("more characters");
    assertThat(ConfinedPaths.inside(root, "a".repeat(ConfinedPaths.MAX_SEGMENT_BYTES)).getParent())
        .isEqualTo(root);
  }

  @Test
  void aSegmentLongInBytesButShortInCharactersIsRefused() {
    // 128 characters, 256 bytes in UTF-8: the file system counts bytes.
    assertRefused(() -> ConfinedPaths.inside(root, "é".repeat(128)), "not a plain file name");
  }

  @Test
  void manySegmentsThatMakeAnOverLongPathAreRefused() {
    String[] segments = new String[40];
    java.util.Arrays.fill(segments, "x".repeat(200));

    assertRefused(() -> ConfinedPaths.inside(root, segments), "longer than 4096 bytes");
  }

  @Test
  void aSymbolicLinkInsideTheRootThatPointsOutsideIsAnEscape() throws IOException {
    Files.createDirectories(root.resolve("staging"));
    Files.createSymbolicLink(root.resolve("staging/eu-west-1"), outside);

    assertRefused(() -> ConfinedPaths.inside(root, "staging", "eu-west-1", "releases"), "outside");
    assertRefused(() -> ConfinedPaths.inside(root, "staging", "eu-west-1"), "outside");
  }

  @Test
  void aSymbolicLinkThatStaysInsideTheRootIsResolved() throws IOException {
    Path real = Files.createDirectories(root.resolve("staging/releases/1.0"));
    Files.createSymbolicLink(root.resolve("staging/current"), Path.of("releases/1.0"));

    assertThat(ConfinedPaths.inside(root, "staging", "current")).isEqualTo(real.toRealPath());
  }

  @Test
  void aDanglingLinkOnTheWayIsRefused() throws IOException {
    Files.createSymbolicLink(root.resolve("dangling"), tmp.resolve("outside/not-created"));

    assertRefused(() -> ConfinedPaths.inside(root, "dangling", "x"), "cannot be resolved");
  }

  // ----- existingFileInside -----------------------------------------------------------------------

  @Test
  void aFileInsideOneOfTheRootsIsItsRealPath() throws IOException {
    Path file = Files.writeString(Files.createDirectories(root.resolve("reports")).resolve("sarif.json"), "{}");

    assertThat(ConfinedPaths.existingFileInside(List.of(outside, root), file)).isEqualTo(file.toRealPath());
    assertThat(ConfinedPaths.existingFileInside(List.of(root), file.toString())).isEqualTo(file.toRealPath());
  }

  @Test
  void aFileOutsideEveryRootIsRefused() throws IOException {
    Path secret = Files.writeString(outside.resolve("shadow"), "root:$6$secret:19000:0:99999:7:::");

    ApplicationFailure failure = assertRefused(() -> ConfinedPaths.existingFileInside(List.of(root), secret),
        "outside the allowed folders");

    assertThat(failure.getOriginalMessage()).doesNotContain("$6$secret");
  }

  @Test
  void dotDotInTheFilePathIsJudgedByWhereItLands() throws IOException {
    Files.writeString(outside.resolve("shadow"), "secret");

    assertRefused(() -> ConfinedPaths.existingFileInside(List.of(root), root + "/../outside/shadow"),
        "outside the allowed folders");
  }

  @Test
  void aLinkInsideARootToAFileOutsideIsRefused() throws IOException {
    Path secret = Files.writeString(outside.resolve("shadow"), "secret");
    Path link = Files.createSymbolicLink(root.resolve("report.json"), secret);

    assertRefused(() -> ConfinedPaths.existingFileInside(List.of(root), link), "outside the allowed folders");
  }

  @Test
  void relativeMissingNonRegularAndNulPathsAreRefused() throws IOException {
    Files.createDirectories(root.resolve("a-folder"));

    assertRefused(() -> ConfinedPaths.existingFileInside(List.of(root), Path.of("relative/report.json")),
        "not an absolute path");
    assertRefused(() -> ConfinedPaths.existingFileInside(List.of(root), root.resolve("missing.json")),
        "does not exist");
    assertRefused(() -> ConfinedPaths.existingFileInside(List.of(root), root.resolve("a-folder")),
        "not a regular file");
    assertRefused(() -> ConfinedPaths.existingFileInside(List.of(root), root + "/x\u0000.json"),
        "not a valid path");
    assertRefused(() -> ConfinedPaths.existingFileInside(List.of(root), Path.of("/dev/zero")),
        "not a regular file");
  }

  @Test
  void aRootThatDoesNotExistAllowsNothing() throws IOException {
    Path file = Files.writeString(root.resolve("report.json"), "{}");

    assertRefused(() -> ConfinedPaths.existingFileInside(List.of(tmp.resolve("gone")), file), "outside");
  }

  private static ApplicationFailure assertRefused(Runnable call, String reason) {
    ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class, call::run);
    assertThat(failure).as("refused").isNotNull();
    assertThat(failure.getType()).isEqualTo(Failures.INVALID_REQUEST);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).contains(reason);
    return failure;
  }
}
