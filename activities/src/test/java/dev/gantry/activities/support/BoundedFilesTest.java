package dev.gantry.activities.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BoundedFilesTest {
  @TempDir Path tmp;

  @Test
  void aFileWithinTheLimitIsReadWhole() throws IOException {
    Path file = Files.writeString(tmp.resolve("small.yaml"), "people: {}\n");

    assertThat(BoundedFiles.readString(file, 11)).isEqualTo("people: {}\n");
  }

  @Test
  void aFileOverTheLimitIsRefusedWithoutQuotingIt() throws IOException {
    Path file = Files.writeString(tmp.resolve("big.yaml"), "SECRET_TOKEN=abc123\n".repeat(100));

    IOException refused = catchThrowableOfType(IOException.class, () -> BoundedFiles.read(file, BoundedFiles.KIB));

    assertThat(BoundedFiles.describe(refused)).isEqualTo("is larger than 1 KiB, the most the worker reads for it");
  }

  @Test
  void devicesAndFoldersAreNotRead() throws Exception {
    IOException zero = catchThrowableOfType(IOException.class, () -> BoundedFiles.read(Path.of("/dev/zero"), 10));
    IOException folder = catchThrowableOfType(IOException.class, () -> BoundedFiles.read(tmp, 10));

    assertThat(BoundedFiles.describe(zero)).isEqualTo("is not a regular file");
    assertThat(BoundedFiles.describe(folder)).isEqualTo("is not a regular file");
  }

  @Test
  void aFifoIsRefusedInsteadOfBlockingTheActivity() throws Exception {
    Path fifo = tmp.resolve("fifo");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertThat(mkfifo.waitFor()).isZero();

    IOException refused = catchThrowableOfType(IOException.class, () -> BoundedFiles.read(fifo, 10));

    assertThat(BoundedFiles.describe(refused)).isEqualTo("is not a regular file");
  }

  @Test
  void aMissingFileIsDescribedPlainly() {
    IOException missing = catchThrowableOfType(IOException.class,
        () -> BoundedFiles.read(tmp.resolve("missing.yaml"), 10));

    assertThat(BoundedFiles.describe(missing)).isEqualTo("does not exist");
  }

  @Test
  void limitsAreWrittenAsPeopleWriteThem() {
    assertThat(BoundedFiles.size(4 * BoundedFiles.MIB)).isEqualTo("4 MiB");
    assertThat(BoundedFiles.size(64 * BoundedFiles.KIB)).isEqualTo("64 KiB");
    assertThat(BoundedFiles.size(1000)).isEqualTo("1000 bytes");
  }
}
