package dev.gantry.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The GitHub Actions example (no runner here, so what can rot silently): every action pinned to a commit, the
 * artifact signed with cosign before the release starts, the CLI built without `install`, and the example metrics
 * answering for the versions the job takes from tags.
 */
class GithubActionsExampleTest {
  private static final Path ROOT = Path.of("..");
  private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());

  @Test
  void actionsArePinnedTheArtifactIsSignedAndAnyTaggedVersionHasMetrics() throws Exception {
    JsonNode steps = yaml.readTree(ROOT.resolve("examples/github-actions/release.yml").toFile())
        .at("/jobs/release/steps");
    List<String> uses = new ArrayList<>();
    List<String> runs = new ArrayList<>();
    steps.forEach(step -> {
      if (step.has("uses")) {
        uses.add(step.get("uses").asText());
      }
      if (step.has("run")) {
        runs.add(step.get("run").asText());
      }
    });
    assertThat(uses).isNotEmpty().allSatisfy(action ->
        assertThat(action).as("pinned to a commit").matches("[\\w.-]+/[\\w.-]+@[0-9a-f]{40}"));
    String all = String.join("\n", runs);
    assertThat(all).contains("cosign sign-blob").contains("--bundle").contains("--new-bundle-format")
        .doesNotContain(" install");
    assertThat(all.indexOf("cosign sign-blob")).as("signed before the release starts")
        .isLessThan(all.indexOf("release start"));

    JsonNode versions = yaml.readTree(ROOT.resolve("examples/metrics/hello-service.json").toFile()).get("versions");
    assertThat(versions.has("*")).as("the example metrics answer for a tag's version, e.g. 1.4.1").isTrue();
  }
}
