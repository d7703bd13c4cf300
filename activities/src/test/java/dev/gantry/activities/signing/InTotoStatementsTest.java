package dev.gantry.activities.signing;

import dev.gantry.activities.support.TestKeys;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InTotoStatementsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SHA = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";

  @TempDir Path dir;

  @Test
  void sbomStatementCarriesTheSpdxDocumentAsPredicate() throws Exception {
    Path spdx = Files.writeString(dir.resolve("sbom.json"), "{\"spdxVersion\":\"SPDX-2.3\",\"name\":\"app\"}");

    JsonNode statement = JSON.readTree(InTotoStatements.sbom("app.tar.gz", SHA, spdx));

    assertThat(statement.get("_type").asText()).isEqualTo("https://in-toto.io/Statement/v1");
    assertThat(statement.at("/subject/0/name").asText()).isEqualTo("app.tar.gz");
    assertThat(statement.at("/subject/0/digest/sha256").asText()).isEqualTo(SHA);
    assertThat(statement.get("predicateType").asText()).isEqualTo("https://spdx.dev/Document");
    assertThat(statement.get("predicate")).isEqualTo(JSON.readTree(spdx.toFile()));
  }

  @Test
  void sbomThatIsNotSpdxJsonIsRefusedClearly() throws Exception {
    Path notJson = Files.writeString(dir.resolve("a.json"), "SPDXVersion: SPDX-2.3\n");
    Path cyclone = Files.writeString(dir.resolve("b.json"), "{\"bomFormat\":\"CycloneDX\"}");

    assertThatThrownBy(() -> InTotoStatements.sbom("app", SHA, notJson))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not valid JSON at line");
    assertThatThrownBy(() -> InTotoStatements.sbom("app", SHA, cyclone))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("spdxVersion");
    assertThatThrownBy(() -> InTotoStatements.sbom("app", SHA, dir.resolve("missing.json")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not exist");
  }

  @Test
  void subjectDigestMustBeSha256Hex() throws Exception {
    Path spdx = Files.writeString(dir.resolve("sbom.json"), "{\"spdxVersion\":\"SPDX-2.3\"}");

    assertThatThrownBy(() -> InTotoStatements.sbom("app", "sha256:" + SHA, spdx))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("64 lowercase hex");
  }

  @Test
  void slsaProvenanceFollowsSlsaV1() throws Exception {
    Provenance provenance = new Provenance("https://ci.example.com/b", "https://gantry.dev/build/v1",
        Map.of("ref", "refs/tags/v1.4.2"), "git+https://git.example.com/app", "0123abcd".repeat(5),
        "https://ci.example.com/runs/42", Instant.parse("2025-01-01T10:00:00Z"), Instant.parse("2025-01-01T10:05:00Z"));

    JsonNode statement = JSON.readTree(InTotoStatements.slsaProvenance("app.tar.gz", SHA, provenance));

    assertThat(statement.get("predicateType").asText()).isEqualTo("https://slsa.dev/provenance/v1");
    JsonNode predicate = statement.get("predicate");
    assertThat(predicate.at("/buildDefinition/buildType").asText()).isEqualTo("https://gantry.dev/build/v1");
    assertThat(predicate.at("/buildDefinition/externalParameters/ref").asText()).isEqualTo("refs/tags/v1.4.2");
    assertThat(predicate.at("/buildDefinition/resolvedDependencies/0/uri").asText())
        .isEqualTo("git+https://git.example.com/app");
    assertThat(predicate.at("/buildDefinition/resolvedDependencies/0/digest/gitCommit").asText())
        .isEqualTo("0123abcd".repeat(5));
    assertThat(predicate.at("/runDetails/builder/id").asText()).isEqualTo("https://ci.example.com/b");
    assertThat(predicate.at("/runDetails/metadata/invocationId").asText()).isEqualTo("https://ci.example.com/runs/42");
    assertThat(predicate.at("/runDetails/metadata/startedOn").asText()).isEqualTo("2025-01-01T10:00:00Z");
    assertThat(predicate.at("/runDetails/metadata/finishedOn").asText()).isEqualTo("2025-01-01T10:05:00Z");
  }

  @Test
  void attestationsRefuseToSignWhatIsNoStatement() {
    assertThatThrownBy(() -> Attestations.sign("{\"hello\":1}".getBytes(), TestKeys.newSigner()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("predicateType");
  }
}
