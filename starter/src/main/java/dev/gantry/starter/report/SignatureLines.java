package dev.gantry.starter.report;

import static dev.gantry.starter.report.ReportText.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/** The signature log's lines of the release and of its regions' child workflows. */
final class SignatureLines {
  long total;
  final List<JsonNode> ofRelease = new ArrayList<>();
  final Set<String> otherReleases = new TreeSet<>();

  List<JsonNode> ofRun(String runId) {
    return ofRelease.stream().filter(line -> Objects.equals(runId, text(line, "runId"))).toList();
  }

  static SignatureLines read(Path file, String releaseId) {
    SignatureLines lines = new SignatureLines();
    JsonLines.forEach(file, "signature log", line -> {
      lines.total++;
      String workflowId = text(line, "workflowId");
      if (workflowId != null && (workflowId.equals(releaseId) || workflowId.startsWith(releaseId + "/"))) {
        lines.ofRelease.add(line);
      } else if (workflowId != null && lines.otherReleases.size() < 100) {
        lines.otherReleases.add(workflowId);
      }
    });
    return lines;
  }
}
