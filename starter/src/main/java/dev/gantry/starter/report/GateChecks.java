package dev.gantry.starter.report;

import static dev.gantry.starter.report.ReportText.clean;
import static dev.gantry.starter.report.ReportText.shown;
import static dev.gantry.starter.report.ReportText.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.starter.report.OfflineReport.Gate;
import dev.gantry.workflows.api.input.MessageLimits;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The gates: the history's report of each gate against the audit trail's gate lines of the run. */
final class GateChecks {
  /** How much of a gate's detail the release's report keeps (ReleaseProgress.EVENT_CHARS). */
  private static final int GATE_DETAIL_CHARS = 1_200;
  private static final Set<String> FINAL_GATE_OUTCOMES = Set.of("passed", "failed", "overridden", "skipped");

  private GateChecks() {}

  static List<Gate> check(ReleaseHistory h, AuditLines audit, Findings findings) {
    List<Gate> gates = new ArrayList<>();
    Map<String, List<String>> historyGates = new LinkedHashMap<>();
    for (JsonNode gate : h.result.path("gates")) {
      gates.add(new Gate(clean(text(gate, "environment")), clean(text(gate, "gate")), clean(text(gate, "outcome")),
          clean(text(gate, "detail")), clean(text(gate, "at"))));
      if (FINAL_GATE_OUTCOMES.contains(text(gate, "outcome"))) {
        historyGates.computeIfAbsent(text(gate, "environment") + " " + text(gate, "gate") + " "
            + text(gate, "outcome"), key -> new ArrayList<>()).add(String.valueOf(text(gate, "detail")));
      }
    }
    Map<String, List<String>> trailGates = new LinkedHashMap<>();
    for (JsonNode line : audit.ofRun) {
      String detail = text(line, "detail");
      if ("gate".equals(text(line, "kind")) && FINAL_GATE_OUTCOMES.contains(text(line, "outcome"))
          && detail != null && detail.contains(":")) {
        // the report keeps a gate's detail as the timeline does: one line, cut at 1,200 characters
        String kept = MessageLimits.cut(detail.substring(detail.indexOf(':') + 1).strip(), GATE_DETAIL_CHARS);
        trailGates.computeIfAbsent(text(line, "environment") + " " + detail.substring(0, detail.indexOf(':')) + " "
            + text(line, "outcome"), key -> new ArrayList<>()).add(kept);
      }
    }
    if (h.closed != null && h.result.isObject()) {
      historyGates.forEach((gate, details) -> {
        // a gate that failed may end the release before its line is written (approval timed out, rejected)
        if (gate.endsWith(" failed")) {
          return;
        }
        if (!trailGates.containsKey(gate)) {
          findings.add("gate " + shown(gate) + ": in the history's report, not in the audit trail");
          return;
        }
        if (gate.endsWith(" skipped")) {
          return; // the report and the trail word a skipped signature check differently
        }
        for (String detail : details) {
          if (!trailGates.get(gate).contains(detail)) {
            findings.add("gate " + shown(gate) + ": the history's report says " + shown(detail)
                + ", the audit trail says " + shown(trailGates.get(gate).get(0)));
          }
        }
      });
      for (String gate : trailGates.keySet()) {
        if (!historyGates.containsKey(gate)) {
          findings.add("gate " + shown(gate) + ": in the audit trail, not in the history's report");
        }
      }
    }
    return gates;
  }
}
