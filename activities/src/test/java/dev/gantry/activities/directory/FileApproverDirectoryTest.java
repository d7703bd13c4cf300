package dev.gantry.activities.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.workflows.api.approval.ApproverDirectory;
import dev.gantry.workflows.api.approval.DirectoryRequest;
import dev.gantry.workflows.api.temporal.Failures;
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
          assertThat(failure.getOriginalMessage()).contains("approvers.yaml")
              .contains("has an unknown field in people.alice at line 2").contains("(allowed: groups, publicKey)");
        });
    Files.writeString(dir.resolve("approvers.yaml"), "people:\n  carol: {publicKey: missing.pub}\n");
    assertThatThrownBy(() -> directory.load(new DirectoryRequest("r", dir.resolve("approvers.yaml").toString())))
        .hasMessageContaining("people.carol.publicKey");
    assertThatThrownBy(() -> directory.load(new DirectoryRequest("r", dir.resolve("none.yaml").toString())))
        .hasMessageContaining("none.yaml does not exist");
  }

  @Test
  void aSecretLookingLineIsNeverEchoed() throws IOException {
    // The attack: approversDirectory pointed at a file of secrets; the parser's message quoted its first line.
    Path shadow = Files.writeString(dir.resolve("shadow"), "root:$6$rounds=5000$SECRETHASH:19000:0:99999:7:::\n"
        + "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG\n");
    Path env = Files.writeString(dir.resolve("worker.env"), "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG\n");
    Path yamlWithSecret = Files.writeString(dir.resolve("approvers.yaml"),
        "people:\n  alice:\n    groups: [release-managers]\n    token: wJalrXUtnFEMI/K7MDENG\n");

    for (Path file : java.util.List.of(shadow, env, yamlWithSecret)) {
      assertThatThrownBy(() -> directory.load(new DirectoryRequest("r", file.toString())))
          .isInstanceOfSatisfying(ApplicationFailure.class, failure -> {
            assertThat(failure.isNonRetryable()).isTrue();
            assertThat(failure.getOriginalMessage()).contains(file.getFileName().toString())
                .doesNotContain("SECRETHASH").doesNotContain("wJalrXUtnFEMI").doesNotContain("root:")
                .doesNotContain("token").doesNotContain("AWS_SECRET");
            assertThat(failure.getCause()).as("no parser exception travels along").isNull();
          });
    }
  }

  @Test
  void aPublicKeyOutsideTheDirectorysFolderOrNotAKeyIsRefused() throws IOException {
    Path approvers = Files.createDirectories(dir.resolve("policy"));
    Path secret = Files.writeString(dir.resolve("id_ecdsa"), "-----BEGIN EC PRIVATE KEY-----\nSECRETKEY\n");
    Files.writeString(approvers.resolve("bad.pub"), "SECRETKEY\n");
    Files.createSymbolicLink(approvers.resolve("link.pub"), secret);

    for (String key : java.util.List.of("../id_ecdsa", secret.toString(), "link.pub", "bad.pub")) {
      Files.writeString(approvers.resolve("approvers.yaml"), "people:\n  carol: {publicKey: '" + key + "'}\n");
      assertThatThrownBy(() -> directory.load(new DirectoryRequest("r", approvers.resolve("approvers.yaml")
          .toString())))
          .as(key).hasMessageContaining("people.carol.publicKey").hasMessageNotContaining("SECRETKEY");
    }
  }

  @Test
  void namesThatAreNotNamesAreRefusedWithoutShowingThem() throws IOException {
    Files.writeString(dir.resolve("approvers.yaml"), "people:\n  alice: {}\n  'x\\nforged line': {}\n");
    assertThatThrownBy(() -> directory.load(new DirectoryRequest("r", dir.resolve("approvers.yaml").toString())))
        .hasMessageContaining("entry 2 is not a person's name").hasMessageNotContaining("forged");
    Files.writeString(dir.resolve("approvers.yaml"), "people:\n  alice: {groups: [Release Managers]}\n");
    assertThatThrownBy(() -> directory.load(new DirectoryRequest("r", dir.resolve("approvers.yaml").toString())))
        .hasMessageContaining("people.alice.groups[0] is not a group name");
  }

  @Test
  void anOversizedDirectoryIsRefusedBeforeItIsParsed() throws IOException {
    Files.writeString(dir.resolve("approvers.yaml"), "people:\n" + "  # padding\n".repeat(100_000));
    assertThatThrownBy(() -> directory.load(new DirectoryRequest("r", dir.resolve("approvers.yaml").toString())))
        .hasMessageContaining("is larger than 1 MiB");
  }
}
