package dev.gantry.activities.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.environment.ArchiveRequest;
import dev.gantry.workflows.api.environment.ConfigRequest;
import dev.gantry.workflows.api.environment.RegionActual;
import dev.gantry.workflows.api.environment.RegionsRequest;
import dev.gantry.workflows.api.environment.StackRequest;
import dev.gantry.workflows.api.environment.StackStatus;
import dev.gantry.workflows.api.temporal.Failures;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local environment store stays inside target.root and deletes only the folders it made. */
class LocalEnvironmentsTest {
  private static final String APP = "hello-service";
  @TempDir Path tmp;
  private Path root;
  private DeployTarget target;
  private final LocalEnvironments environments =
      new LocalEnvironments(new SecretReferences(Map.of("DB_PASSWORD", "s3cret")::get, null));

  @BeforeEach
  void setUp() {
    root = tmp.resolve("targets");
    target = new DeployTarget(DeployTarget.LOCAL, root.toString());
  }

  @Test
  void aStackItCreatedIsDeletedWithItsRegion() {
    environments.createStack(stack("preview-1", "us-east-1"));

    StackStatus deleted = environments.deleteStack(stack("preview-1", "us-east-1"));

    assertThat(deleted.status()).isEqualTo("DELETE_COMPLETE");
    assertThat(root.resolve("preview-1/us-east-1")).doesNotExist();
  }

  @Test
  void aRegionFolderItDidNotCreateIsLeftAlone() throws IOException {
    Path theirs = Files.createDirectories(root.resolve("preview-1/us-east-1"));
    Files.writeString(theirs.resolve("precious.db"), "someone's data");

    StackStatus status = environments.deleteStack(stack("preview-1", "us-east-1"));

    assertThat(status.status()).isEqualTo(LocalEnvironments.LEFT_ALONE);
    assertThat(theirs.resolve("precious.db")).hasContent("someone's data");
  }

  @Test
  void retiringDeletesTheEnvironmentFolderOnlyIfItMadeIt() throws IOException {
    environments.applyConfig(config("preview-1", Map.of("LOG_LEVEL", "info")));
    Path theirs = Files.createDirectories(root.resolve("preview-2"));
    Files.writeString(theirs.resolve("config.json"), "{}");
    Path archive1 = Files.createDirectories(tmp.resolve("archive/1"));
    Path archive2 = Files.createDirectories(tmp.resolve("archive/2"));

    environments.retire(new ArchiveRequest(APP, "preview-1", target, "us-east-1", "w"), archive1);
    environments.retire(new ArchiveRequest(APP, "preview-2", target, "us-east-1", "w"), archive2);

    assertThat(root.resolve("preview-1")).doesNotExist();
    assertThat(archive1.resolve("config.json")).exists();
    assertThat(theirs.resolve("config.json")).as("not ours: left in place").exists();
  }

  @Test
  void namesThatAreNotNamesAreRefusedNamingTheField() {
    ApplicationFailure environment = catchThrowableOfType(ApplicationFailure.class,
        () -> environments.createStack(stack("../../outside", "us-east-1")));
    ApplicationFailure region = catchThrowableOfType(ApplicationFailure.class,
        () -> environments.deleteStack(stack("preview-1", "..")));
    ApplicationFailure readRegion = catchThrowableOfType(ApplicationFailure.class,
        () -> environments.readRegions(new RegionsRequest(APP, "staging", target, List.of("../../etc"))));

    assertThat(environment.getOriginalMessage()).startsWith("environment '../../outside' is refused");
    assertThat(region.getOriginalMessage()).startsWith("region '..' is refused");
    assertThat(readRegion.getOriginalMessage()).startsWith("region '../../etc' is refused");
    assertThat(List.of(environment, region, readRegion)).allSatisfy(failure -> {
      assertThat(failure.getType()).isEqualTo(Failures.INVALID_REQUEST);
      assertThat(failure.isNonRetryable()).isTrue();
    });
    assertThat(tmp.resolve("outside")).doesNotExist();
  }

  @Test
  void anEnvironmentFolderThatLinksOutOfTheRootIsRefused() throws IOException {
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
    Files.createDirectories(root);
    Files.createSymbolicLink(root.resolve("staging"), elsewhere);

    ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class,
        () -> environments.applyConfig(config("staging", Map.of("LOG_LEVEL", "info"))));

    assertThat(failure.getOriginalMessage()).contains("outside");
    try (var files = Files.list(elsewhere)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void aCurrentLinkPointingOutsideIsReportedNotFollowed() throws IOException {
    Path region = Files.createDirectories(root.resolve("staging/us-east-1"));
    Path secret = Files.writeString(Files.createDirectories(tmp.resolve("etc")).resolve("shadow"), "root:$6$x");
    Files.createSymbolicLink(region.resolve("current"), secret.getParent());

    RegionActual actual = environments.readRegions(new RegionsRequest(APP, "staging", target,
        List.of("us-east-1"))).regions().get(0);

    assertThat(actual.version()).isNull();
    assertThat(actual.digest()).as("no digest of a file outside the root").isNull();
    assertThat(actual.detail()).contains("does not point at releases/<version>");
  }

  @Test
  void aBrokenSecretsFileIsNamedWithoutQuotingIt() throws IOException {
    Path env = Files.createDirectories(root.resolve("staging"));
    Files.writeString(env.resolve("config.secrets.json"), "{\"DB_PASSWORD\": hunter2-leaked}");

    Throwable failure = catchThrowable(() -> environments.readConfig(config("staging", Map.of())));

    assertThat(failure).hasMessageContaining("config.secrets.json is not valid JSON at line 1")
        .hasMessageNotContaining("hunter2");
    assertThat(failure.getCause()).as("Jackson's own message quotes the file").isNull();
  }

  @Test
  void anOversizedConfigFileIsRefusedBeforeItIsParsed() throws IOException {
    Path env = Files.createDirectories(root.resolve("staging"));
    Files.writeString(env.resolve("config.json"), "{\"A\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}");

    Throwable failure = catchThrowable(() -> environments.readConfig(config("staging", Map.of())));

    assertThat(failure).hasMessageContaining("config.json is larger than 1 MiB");
  }

  private StackRequest stack(String environment, String region) {
    return new StackRequest(APP, environment, region, target, null);
  }

  private ConfigRequest config(String environment, Map<String, String> variables) {
    return new ConfigRequest(APP, environment, target, List.of("us-east-1"), variables, Map.of());
  }
}
