package dev.gantry.workflows.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The registry of change ids is complete, its ids never change, and workflows ask only ids from it. */
class VersionMarkersTest {

  @Test
  void allListsEveryConstantOnce() throws IllegalAccessException {
    List<String> constants = new ArrayList<>();
    for (Field field : VersionMarkers.class.getDeclaredFields()) {
      if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
        constants.add((String) field.get(null));
      }
    }
    assertThat(VersionMarkers.ALL).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(constants);
  }

  @Test
  void idsKeepTheirStringsForRecordedHistories() {
    assertThat(VersionMarkers.ALL).containsExactly(
        "bounded-input", "signed-actors", "plan-from-policy", "artifact-signature-gates", "trusted-signing-time",
        "environment-lock",
        "lock-answers-checked", "lock-claims-checked", "feature-flags", "promotion-source-check", "environment-config", "max-parallel-regions",
        "fail-fast-waves", "abort-in-trail",
        "health-check-survives-worker-loss", "cancellable-region", "progressive-rollout",
        "rollback-plan-from-policy", "rollback-records-deployment",
        "traffic-owner", "traffic-owner-failover", "traffic-owner-failback",
        "stop-traffic-owner", "destroy-deletes-schedules", "traffic-owner-from-policy",
        "traffic-owner-signed-actors", "environment-plan-from-policy",
        "flags-from-policy", "traffic-owner-signed-stop", "parallel-rollback");
  }

  @Test
  void workflowsAskOnlyRegisteredIds() throws IOException {
    List<String> literal = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String source = Files.readString(file);
        if (source.contains("Workflow.getVersion(\"")) {
          literal.add(file.toString());
        }
      }
    }
    assertThat(literal).as("a change id written as a literal instead of a VersionMarkers constant").isEmpty();
  }

  @Test
  void auditEventIdsKeepTheirFormat() {
    assertThat(AuditEventIds.of("release/app/1.0.0", "run-1", 3)).isEqualTo("release/app/1.0.0/run-1/3");
  }
}
