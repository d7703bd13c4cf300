package dev.gantry.starter.report;

import static dev.gantry.starter.report.ReportText.clean;
import static dev.gantry.starter.report.ReportText.shown;
import static dev.gantry.starter.report.ReportText.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.activities.audit.HashChainedLog;
import dev.gantry.starter.report.OfflineReport.Chain;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The hash chains: each file's chain verified whole, and the chain heads the history holds (an Audit.append
 * returns the trail's head) found in the trail, so that a cut tail or a re-chained edit shows.
 */
final class ChainChecks {
  private ChainChecks() {}

  static Chain chain(Path file, long lines, long ofRelease, String name, Findings findings) {
    List<String> problems;
    try {
      problems = HashChainedLog.verify(file);
    } catch (IOException | RuntimeException e) {
      problems = List.of("cannot be read whole (" + e.getClass().getSimpleName() + ")");
    }
    problems.forEach(problem -> findings.add(name + ": " + clean(problem)));
    List<String> shown = problems.stream().limit(Findings.MAX_FINDINGS).map(ReportText::clean).toList();
    return new Chain(lines, ofRelease, problems.isEmpty(), shown);
  }

  private static final Pattern HASH = Pattern.compile("(sha256:)?([0-9a-f]{64})");

  /**
   * The chain head an Audit.append result carries, if it carries one: the hash itself, or an object with a
   * {@code hash}, {@code head} or {@code chainHead} field. Anything else (nothing, before the worker returned
   * heads) checks nothing.
   */
  private static String chainHead(JsonNode result) {
    List<String> candidates = new ArrayList<>();
    if (result.isTextual()) {
      candidates.add(result.asText());
    } else if (result.isObject()) {
      for (String field : List.of("hash", "head", "chainHead")) {
        candidates.add(text(result, field));
      }
    }
    for (String candidate : candidates) {
      if (candidate != null) {
        var match = HASH.matcher(candidate);
        if (match.matches() && !match.group(2).equals("0".repeat(64))) {
          return match.group(2);
        }
      }
    }
    return null;
  }

  /** Every chain head the history's Audit.append activities returned must be the hash of a line of the trail. */
  static void heads(ReleaseHistory h, AuditLines audit, Findings findings) {
    for (ReleaseHistory.Activity append : h.appends) {
      String head = chainHead(append.result());
      if (head != null && !audit.hashes.contains(head)) {
        findings.add("audit trail: the history's Audit.append (event " + append.eventId() + ") returned the chain head "
            + shown(head) + ", which no line of the trail has (lines cut or rewritten)");
      }
    }
  }
}
