package dev.gantry.starter.report;

import static dev.gantry.starter.report.ReportText.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/** The audit trail's lines of the release (and of its run); the other releases' are only named. */
final class AuditLines {
  long total;
  final List<JsonNode> ofRelease = new ArrayList<>();
  final List<JsonNode> ofRun = new ArrayList<>();
  final Set<String> otherReleases = new TreeSet<>();
  final Set<String> otherRuns = new TreeSet<>();
  /** The hash of every line, for the chain heads the history holds. */
  final Set<String> hashes = new HashSet<>();
  String lastReleaseOutcome;

  static AuditLines read(Path file, String releaseId, String runId) {
    AuditLines lines = new AuditLines();
    JsonLines.forEach(file, "audit trail", line -> {
      lines.total++;
      String hash = text(line, "hash");
      if (hash != null) {
        lines.hashes.add(hash);
      }
      String release = text(line, "releaseId");
      if (!releaseId.equals(release)) {
        if (release != null && lines.otherReleases.size() < 100) {
          lines.otherReleases.add(release);
        }
        return;
      }
      lines.ofRelease.add(line);
      if (!Objects.equals(runId, text(line, "runId"))) {
        lines.otherRuns.add(String.valueOf(text(line, "runId")));
        return;
      }
      lines.ofRun.add(line);
      if ("release".equals(text(line, "kind"))) {
        lines.lastReleaseOutcome = text(line, "outcome");
      }
    });
    return lines;
  }
}
