package dev.gantry.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.gantry.starter.spec.Policy;
import dev.gantry.starter.spec.PolicyDirectory;
import dev.gantry.workflows.api.release.SearchAttributes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No Docker engine runs here, so the compose file is checked for what can break silently: it parses,
 * the services follow Temporal's published layout, the namespace job registers exactly Gantry's search
 * attributes, every mounted file exists, the worker's mounted policy loads, and the worker image copies
 * the jar the build produces.
 */
class DockerComposeTest {
  private static final Path ROOT = Path.of("..");
  private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());

  @Test
  void theComposeFileDescribesTheClusterAndTheWorker() throws Exception {
    JsonNode services = yaml.readTree(ROOT.resolve("docker-compose.yml").toFile()).get("services");
    assertThat(fieldNames(services)).containsExactlyInAnyOrder("postgresql", "temporal-schema", "temporal",
        "temporal-setup", "temporal-ui", "gantry-worker");

    JsonNode temporal = services.get("temporal");
    assertThat(temporal.at("/environment/DB").asText()).isEqualTo("postgres12");
    assertThat(temporal.at("/environment/POSTGRES_SEEDS").asText()).isEqualTo("postgresql");
    assertThat(temporal.at("/environment/BIND_ON_IP").asText()).isEqualTo("0.0.0.0");
    assertThat(temporal.at("/depends_on/temporal-schema/condition").asText())
        .isEqualTo("service_completed_successfully");
    assertThat(temporal.get("ports").toString()).contains("7233:7233");
    assertThat(services.at("/temporal-schema/image").asText()).startsWith("temporalio/admin-tools:");

    JsonNode ui = services.get("temporal-ui");
    assertThat(ui.at("/environment/TEMPORAL_ADDRESS").asText()).isEqualTo("temporal:7233");
    assertThat(ui.at("/environment/TEMPORAL_DISABLE_WRITE_ACTIONS").asText()).isEqualTo("false");
    assertThat(ui.get("ports").toString()).contains("8080:8080");

    JsonNode worker = services.get("gantry-worker");
    assertThat(worker.at("/environment/GANTRY_ADDRESS").asText()).isEqualTo("temporal:7233");
    assertThat(worker.at("/depends_on/temporal-setup/condition").asText())
        .isEqualTo("service_completed_successfully");
    assertThat(ROOT.resolve(worker.at("/build/context").asText()).resolve(worker.at("/build/dockerfile").asText()))
        .exists();
  }

  /**
   * Safe by default (issue 15): nothing published beyond loopback unless GANTRY_BIND_ADDRESS says so, every image
   * at a pinned version (a default like ${TEMPORAL_VERSION:-1.29.1} counts; a bare major like postgres:16 or
   * :latest does not), the UI without terminate/reset/cancel/batch/start, and no private key in the build context.
   */
  @Test
  void theStackIsLoopbackOnlyPinnedAndTheUiCannotTerminateOrReset() throws Exception {
    JsonNode services = yaml.readTree(ROOT.resolve("docker-compose.yml").toFile()).get("services");
    Pattern pinned = Pattern.compile("[^:]+:(\\$\\{[A-Z_]+:-)?\\d+\\.\\d+(\\.\\d+)?[^}]*\\}?(@sha256:[0-9a-f]{64})?");
    for (String name : fieldNames(services)) {
      JsonNode service = services.get(name);
      if (service.has("image")) {
        assertThat(service.get("image").asText()).as(name + "'s image is pinned").matches(pinned);
      }
      for (JsonNode port : service.path("ports")) {
        assertThat(port.asText()).as(name + " publishes on loopback by default")
            .startsWith("${GANTRY_BIND_ADDRESS:-127.0.0.1}:");
      }
    }
    JsonNode ui = services.at("/temporal-ui/environment");
    assertThat(ui.get("TEMPORAL_WORKFLOW_SIGNAL_DISABLED").asText()).isEqualTo("false");
    for (String action : List.of("TERMINATE", "RESET", "CANCEL")) {
      assertThat(ui.get("TEMPORAL_WORKFLOW_" + action + "_DISABLED").asText()).as(action).isEqualTo("true");
    }
    assertThat(ui.get("TEMPORAL_BATCH_ACTIONS_DISABLED").asText()).isEqualTo("true");

    for (String from : Files.readAllLines(ROOT.resolve("worker/Dockerfile")).stream()
        .filter(line -> line.startsWith("FROM ")).toList()) {
      assertThat(from.split(" ")[1]).as(from).matches("[^:]+:\\d+\\.\\d+(\\.\\d+)?[^ ]*");
    }
    List<String> ignored = Files.readAllLines(ROOT.resolve(".dockerignore"));
    assertThat(ignored).as("private keys stay out of the build context")
        .contains("examples/keys/", "**/*.key", ".gantry/", "**/target/");
  }

  @Test
  void everyMountedFileExistsAndTheScriptsAreExecutable() throws Exception {
    JsonNode services = yaml.readTree(ROOT.resolve("docker-compose.yml").toFile()).get("services");
    for (String name : fieldNames(services)) {
      for (JsonNode volume : services.get(name).path("volumes")) {
        String source = volume.asText().split(":")[0];
        if (source.startsWith("./")) {
          assertThat(ROOT.resolve(source)).as(name + " mounts " + source).exists();
        }
      }
      JsonNode entrypoint = services.get(name).path("entrypoint");
      if (entrypoint.isArray() && entrypoint.size() == 2 && entrypoint.get(1).asText().startsWith("/gantry/")) {
        Path script = ROOT.resolve("deploy/temporal").resolve(entrypoint.get(1).asText().substring("/gantry/".length()));
        assertThat(script).as(name + " runs " + script).exists();
        assertThat(Files.isExecutable(script)).isTrue();
      }
    }
    assertThat(ROOT.resolve("deploy/temporal/dynamicconfig/gantry.yaml")).exists();
    yaml.readTree(ROOT.resolve("deploy/temporal/dynamicconfig/gantry.yaml").toFile());
  }

  /**
   * The worker needs the platform's policy: GANTRY_POLICY names a folder mounted read-only from the
   * repository, and that policy loads as the worker would load it, in a copy of the container's layout
   * (the folders the image creates, the policy where the compose file mounts it): its artifact and target
   * roots are in the worker's volume, and every file it names is in the mounted folder.
   */
  @Test
  void theWorkerReadsThePlatformPolicyFromAReadOnlyMount(@TempDir Path container) throws Exception {
    JsonNode worker = yaml.readTree(ROOT.resolve("docker-compose.yml").toFile()).at("/services/gantry-worker");
    String policyPath = worker.at("/environment/GANTRY_POLICY").asText();
    assertThat(policyPath).as("GANTRY_POLICY").startsWith("/");
    String volume = null;
    for (JsonNode mount : worker.path("volumes")) {
      String[] parts = mount.asText().split(":");
      if (parts.length == 3 && parts[1].equals(policyPath)) {
        volume = parts[0];
        assertThat(parts[2]).as("the policy is mounted read-only").isEqualTo("ro");
      }
    }
    assertThat(volume).as("a volume mounts the policy at " + policyPath).isNotNull().startsWith("./");
    Path mounted = ROOT.resolve(volume).normalize();
    assertThat(mounted.resolve("policy.yaml")).exists();

    Matcher mkdir = Pattern.compile("mkdir -p ([^&\\n]+)").matcher(Files.readString(ROOT.resolve("worker/Dockerfile")));
    assertThat(mkdir.find()).as("the image creates the worker's folders").isTrue();
    for (String folder : mkdir.group(1).trim().split("\\s+")) {
      Files.createDirectories(container.resolve(folder.substring(1)));
    }
    Path policyDir = container.resolve(policyPath.substring(1));
    Files.createDirectories(policyDir);
    try (var files = Files.walk(mounted)) {
      for (Path file : files.toList()) {
        Path copy = policyDir.resolve(mounted.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(copy);
        } else {
          Files.copy(file, copy);
        }
      }
    }

    Policy policy = new PolicyDirectory().load(policyDir);

    Path volumeRoot = container.resolve(worker.at("/volumes/0").asText().split(":")[1].substring(1)).toRealPath();
    assertThat(worker.at("/volumes/0").asText()).startsWith("gantry-data:");
    assertThat(policy.artifactRoots()).isNotEmpty().allSatisfy(root -> assertThat(root).startsWith(volumeRoot));
    assertThat(policy.targetRoots()).isNotEmpty().allSatisfy(root -> assertThat(root).startsWith(volumeRoot));
    assertThat(policy.applications()).isNotEmpty();
    assertThat(Path.of(policy.approvers())).startsWith(policyDir.toRealPath());
  }

  @Test
  void theNamespaceJobRegistersExactlyGantrysSearchAttributes() throws Exception {
    String script = Files.readString(ROOT.resolve("deploy/temporal/create-namespace.sh"));
    Matcher names = Pattern.compile("for name in ([A-Za-z ]+); do").matcher(script);
    assertThat(names.find()).isTrue();
    assertThat(List.of(names.group(1).trim().split("\\s+")))
        .containsExactlyInAnyOrderElementsOf(SearchAttributes.ALL.stream().map(k -> k.getName()).toList());
    assertThat(script).contains("--type Keyword");
  }

  @Test
  void theWorkerImageCopiesTheJarTheBuildProduces() throws Exception {
    String dockerfile = Files.readString(ROOT.resolve("worker/Dockerfile"));
    String pom = Files.readString(ROOT.resolve("worker/pom.xml"));
    Matcher finalName = Pattern.compile("<finalName>([^<]+)</finalName>").matcher(pom);
    assertThat(finalName.find()).isTrue();
    assertThat(dockerfile).contains("/src/worker/target/" + finalName.group(1) + ".jar")
        .contains("\"worker\"]").contains("EXPOSE 8081");
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
