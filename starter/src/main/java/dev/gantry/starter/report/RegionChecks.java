package dev.gantry.starter.report;

import static dev.gantry.starter.report.ReportText.clean;
import static dev.gantry.starter.report.ReportText.shown;
import static dev.gantry.starter.report.ReportText.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.gantry.starter.report.OfflineReport.Region;
import dev.gantry.workflows.api.release.ReleaseIds;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Where the release deployed: each region's child workflow against the signature log's verification of it, and
 * the environment-level verifications against the log's lines of the run.
 */
final class RegionChecks {
  private RegionChecks() {}

  static List<Region> regions(ReleaseHistory h, SignatureLines sigs, String digest, Findings findings) {
    List<Region> regions = new ArrayList<>();
    for (ReleaseHistory.Child child : h.children) {
      JsonNode request = child.request();
      String environment = text(request, "environment");
      String region = text(request, "region");
      boolean required = request.path("verification").path("required").asBoolean(false);
      List<JsonNode> verified = sigs.ofRelease.stream()
          .filter(line -> "verify".equals(text(line, "action")) && Objects.equals(child.workflowId(),
              text(line, "workflowId")) && (child.runId() == null || Objects.equals(child.runId(), text(line, "runId"))))
          .toList();
      JsonNode pass = verified.stream().filter(line -> "pass".equals(text(line, "outcome"))).findFirst().orElse(null);
      JsonNode fail = verified.stream().filter(line -> "fail".equals(text(line, "outcome"))).findFirst().orElse(null);
      String verification = !required ? "not required" : pass != null ? "pass" : fail != null ? "fail" : "none";
      String where = shown(environment) + "/" + shown(region);
      if (required && "COMPLETED".equals(child.ending()) && pass == null) {
        findings.add("region " + where + ": deployed with verification required, but the signature log has no"
            + " passing verification of it" + (fail != null ? " (it has a failed one)" : ""));
      }
      if (pass != null && !Objects.equals(digest, text(pass, "artifactDigest"))) {
        findings.add("region " + where + ": the signature log verified " + shown(text(pass, "artifactDigest"))
            + ", the release's artifact is " + shown(digest));
      }
      if (!Objects.equals(ReleaseIds.region(String.valueOf(text(request, "releaseId")), String.valueOf(environment),
          String.valueOf(region)), child.workflowId())) {
        findings.add("region " + where + ": its child workflow id " + shown(child.workflowId())
            + " does not match its request");
      }
      String deploy = child.ending().equals("COMPLETED")
          ? "deployed " + clean(text(child.result(), "version")) + ": " + clean(text(child.result(), "health"))
          : child.ending().toLowerCase() + (child.failure() == null ? "" : ": " + clean(child.failure()));
      JsonNode status = regionStatus(h.result, environment, region);
      JsonNode line = pass != null ? pass : fail;
      regions.add(new Region(clean(environment), clean(region), verification,
          line == null ? null : clean(text(line, "keyId")), line == null ? null : clean(text(line, "at")), deploy,
          clean(text(status, "state")), clean(text(status, "detail"))));
    }
    // a region the signature log verified for this release that the history never deployed
    Set<String> deployed = new LinkedHashSet<>();
    h.children.forEach(child -> deployed.add(child.workflowId()));
    for (JsonNode line : sigs.ofRelease) {
      String workflowId = text(line, "workflowId");
      if ("verify".equals(text(line, "action")) && text(line, "region") != null && !deployed.contains(workflowId)) {
        findings.add("signature log: a verification of " + shown(workflowId) + ", a region the history never"
            + " deployed");
      }
    }
    return regions;
  }

  /** The environment-level Signing.verify activities of the release vs the signature log's lines of this run. */
  static void environmentVerifications(ReleaseHistory h, SignatureLines sigs, Findings findings) {
    for (ReleaseHistory.Activity verify : h.verifies) {
      String environment = text(verify.input(), "environment");
      String outcome = verify.failure() == null ? "pass" : "fail";
      boolean logged = sigs.ofRun(h.runId).stream().anyMatch(line -> "verify".equals(text(line, "action"))
          && outcome.equals(text(line, "outcome")) && Objects.equals(environment, text(line, "environment"))
          && text(line, "region") == null
          && (verify.failure() != null || Objects.equals(text(verify.result(), "keyId"), text(line, "keyId"))));
      if (!logged) {
        findings.add("signature log: no '" + outcome + "' verification of " + shown(environment)
            + " by the key the history's Signing.verify names");
      }
    }
  }

  private static JsonNode regionStatus(JsonNode result, String environment, String region) {
    for (JsonNode env : result.path("environments")) {
      if (Objects.equals(environment, text(env, "environment"))) {
        for (JsonNode status : env.path("regions")) {
          if (Objects.equals(region, text(status, "region"))) {
            return status;
          }
        }
      }
    }
    return MissingNode.getInstance();
  }
}
