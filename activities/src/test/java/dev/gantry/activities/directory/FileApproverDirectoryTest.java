package dev.gantry.activities.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.workflows.api.ApproverDirectory;
import dev.gantry.workflows.api.DirectoryRequest;
import dev.gantry.workflows.api.Failures;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileApproverDirectoryTest {
  @TempDir Path dir;
  private final FileApproverDirectory directory = new FileApproverDirectory();

  @Test
  void readsGroupsAndRegisteredKeysRelativeToTheFile() throws IOException {
    Files.createDirectories(dir.resolve("keys"));
    Files.writeString(dir.resolve("keys/carol.pub"), "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
    Files.writeString(dir.resolve("approvers.yaml"), """
        people:
          alice: {groups: [release-managers]}
          carol:
            groups: [senior-engineers, emergency-approvers]
            publicKey: keys/carol.pub
          newbie:
        """);
    ApproverDirectory loaded = directory.load(new DirectoryRequest("r", dir.resolve("approvers.yaml").toString()));
    assertThat(loaded.find("alice").groups()).containsExactly("release-managers");
    assertThat(loaded.find("carol").publicKeyPem()).contains("BEGIN PUBLIC KEY");
    assertThat(loaded.find("newbie").groups()).isEmpty();
    assertThat(loaded.find("mallory")).isNull();
  }

  @Test
  void aBrokenDirectoryFailsClosedNamingTheProblem() throws IOException {
    Files.writeString(dir.resolve("approvers.yaml"), "people:\n  alice: {groupz: [x]}\n");
    assertThatThrownBy(() -> directory.load(new DirectoryRequest("r", dir.resolve("approvers.yaml").toString())))
        .isInstanceOfSatisfying(ApplicationFailure.class, failure -> {
          assertThat(failure.getType()).isEqualTo(Failures.INVALID_REQUEST);
          assertThat(failure.isNonRetryable()).isTrue();
          assertThat(failure.getOriginalMessage()).contains("approvers.yaml").contains("groupz");
        });
    Files.writeString(dir.resolve("approvers.yaml"), "people:\n  carol: {publicKey: missing.pub}\n");
    assertThatThrownBy(() -> directory.load(new DirectoryRequest("r", dir.resolve("approvers.yaml").toString())))
        .hasMessageContaining("people.carol.publicKey");
    assertThatThrownBy(() -> directory.load(new DirectoryRequest("r", dir.resolve("none.yaml").toString())))
        .hasMessageContaining("cannot be read");
  }
}
