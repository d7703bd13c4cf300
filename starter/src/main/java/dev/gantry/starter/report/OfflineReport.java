package dev.gantry.starter.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.activities.audit.HashChainedLog;
import dev.gantry.workflows.api.MessageLimits;
import dev.gantry.workflows.api.ReleaseIds;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code gantry release report --offline}: a release's report from three files an auditor can hold without
 * Temporal or a worker, each checked against the others: the exported event history (what Temporal recorded),
 * the audit trail (what the worker wrote, hash-chained) and the signature log (which key vouched for which
 * bytes, per environment and region, hash-chained). Any disagreement is a finding: the report says it, and
 * the command fails.
 *
 * <p>All three files are hostile: what they say is shown only as short, one-line, printable values; a line
 * of a file is never echoed; the number of findings shown is bounded.
 */
public final class OfflineReport {
  /** Findings beyond this are counted, not listed. */
  static final int MAX_FINDINGS = 50;
  private static final int SHOWN = 200;
  /** How much of a gate's detail the release's report keeps (ReleaseProgress.EVENT_CHARS). */
  private static final int GATE_DETAIL_CHARS = 1_200;
  private static final Set<String> FINAL_GATE_OUTCOMES = Set.of("passed", "failed", "overridden", "skipped");
  private static final ObjectMapper JSON = new ObjectMapper();

  private OfflineReport() {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Report(
      String releaseId,
      String runId,
      String application,
      String version,
      String artifactDigest,
      String requestedBy,
      String policyDigest,
      Outcome outcome,
      Signer signer,
      List<Attestation> attestations,
      List<Gate> gates,
      List<Approval> approvals,
      List<Override> overrides,
      List<Region> regions,
      Chains chains,
      boolean consistent,
      List<String> disagreements,
      int disagreementsNotShown) {}

  /** @param history as Temporal closed the run (or RUNNING); @param trail the trail's last release line */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Outcome(String history, String state, String trail, String failureReason) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Signer(String keyId, String requestedBy, String signedAt, String trustedKey) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Attestation(String predicateType, String keyId, String location) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Gate(String environment, String gate, String outcome, String detail, String at) {}

  /**
   * @param via            how it reached the release: signal (the Temporal UI, {@code temporal workflow signal}) or
   *                       update (the CLI, the Java client)
   * @param clientIdentity what the sending client called itself (Temporal does not check it)
   * @param signed         whether the message carried a signed approval token (the token itself is not shown)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Approval(String environment, String approver, String at, String via, String clientIdentity,
      boolean signed, Boolean accepted, String comment, String recordedInTrailAt) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Override(String environment, String gate, String approver, String justification, String incident,
      String at, String via, String clientIdentity, Boolean accepted) {}

  /** @param verification pass / fail / not required; @param deploy the child workflow's ending and result */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Region(String environment, String region, String verification, String verifiedBy,
      String verifiedAt, String deploy, String state, String detail) {}

  public record Chains(Chain auditTrail, Chain signatureLog) {}

  public record Chain(long lines, long linesOfThisRelease, boolean intact, List<String> problems) {}

  /**
   * Builds the report. Throws {@link IllegalArgumentException} (a usage error) when a file cannot be read at all
   * or the history is not a release's; everything else, however wrong, becomes a disagreement.
   *
   * @param expectedReleaseId the release the caller means, or null to take the history's word
   */
  public static Report build(Path history, Path trail, Path signatures, String expectedReleaseId) {
    for (Path file : List.of(history, trail, signatures)) {
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException(file + " does not exist or is not a file");
      }
    }
    ReleaseHistory h = ReleaseHistory.read(history);
    if (!"Release".equals(h.workflowType)) {
      throw new IllegalArgumentException("the history " + history + " is of a " + shown(h.workflowType)
          + " workflow, not of a release (Release)");
    }
    Findings findings = new Findings();
    h.unreadable.forEach(where -> findings.add("history: the payload of " + where + " cannot be read"));

    // ---- which release: the input, the plan, the result and the children must all say the same
    String releaseId = releaseIdOf(h.input);
    Set<String> ids = new LinkedHashSet<>();
    ids.add(releaseId);
    ids.add(text(h.plan, "releaseId"));
    ids.add(text(h.result, "releaseId"));
    ids.remove(null);
    if (releaseId == null) {
      releaseId = ids.isEmpty() ? null : ids.iterator().next();
    }
    if (releaseId == null) {
      throw new IllegalArgumentException("the history " + history + " names no release (no application and version in"
          + " its input)");
    }
    if (ids.size() > 1) {
      findings.add("history: its input, plan and result name different releases: " + shownAll(ids));
    }
    if (expectedReleaseId != null && !expectedReleaseId.equals(releaseId)) {
      findings.add("history: it is the history of " + shown(releaseId) + ", not of " + shown(expectedReleaseId));
    }
    for (ReleaseHistory.Child child : h.children) {
      if (!child.workflowId().startsWith(releaseId + "/")) {
        findings.add("history: its child workflow " + shown(child.workflowId()) + " is not of " + clean(releaseId));
      }
    }

    // ---- the artifact
    Set<String> digests = new LinkedHashSet<>();
    String digest = text(h.input.path("artifact"), "digest");
    digests.add(digest);
    digests.add(text(h.plan.path("artifact"), "digest"));
    digests.add(text(h.result, "artifactDigest"));
    for (ReleaseHistory.Activity sign : h.signs) {
      sign.result().forEach(ref -> digests.add(text(ref, "digest")));
    }
    digests.remove(null);
    if (digest == null && !digests.isEmpty()) {
      digest = digests.iterator().next();
    }
    if (digests.size() > 1) {
      findings.add("artifact digest: the history itself names " + digests.size() + " digests: " + shownAll(digests));
    }

    AuditLines audit = AuditLines.read(trail, releaseId, h.runId);
    SignatureLines sigs = SignatureLines.read(signatures, releaseId);
    Chain trailChain = chain(trail, audit.total, audit.ofRelease.size(), "audit trail", findings);
    Chain sigChain = chain(signatures, sigs.total, sigs.ofRelease.size(), "signature log", findings);

    // ---- chain heads the history holds (Audit.append returns the trail's head where the worker does so)
    for (ReleaseHistory.Activity append : h.appends) {
      String head = chainHead(append.result());
      if (head != null && !audit.hashes.contains(head)) {
        findings.add("audit trail: the history's Audit.append (event " + append.eventId() + ") returned the chain head "
            + shown(head) + ", which no line of the trail has (lines cut or rewritten)");
      }
    }

    // ---- the trail belongs to this release and this run
    if (audit.ofRelease.isEmpty()) {
      findings.add("audit trail: no line of " + clean(releaseId) + (audit.otherReleases.isEmpty() ? ""
          : " (its lines are of " + shownAll(audit.otherReleases) + ")"));
    } else if (audit.ofRun.isEmpty()) {
      findings.add("audit trail: no line of the history's run " + shown(h.runId) + " of " + clean(releaseId)
          + " (its lines of this release are of runs " + shownAll(audit.otherRuns) + ")");
    }
    Set<String> trailDigests = new TreeSet<>();
    audit.ofRun.stream().map(line -> text(line, "artifactDigest")).filter(Objects::nonNull).forEach(trailDigests::add);
    for (String other : trailDigests) {
      if (!other.equals(digest)) {
        findings.add("artifact digest: the history says " + shown(digest) + ", the audit trail's lines of this run say "
            + shown(other));
      }
    }
    boolean signatureWork = !h.signs.isEmpty() || !h.verifies.isEmpty() || h.children.stream()
        .anyMatch(child -> child.request().path("verification").path("required").asBoolean(false));
    if (sigs.ofRelease.isEmpty() && signatureWork) {
      findings.add("signature log: no line of " + clean(releaseId) + (sigs.otherReleases.isEmpty() ? ""
          : " (its lines are of " + shownAll(sigs.otherReleases) + ")"));
    }
    Set<String> sigDigests = new TreeSet<>();
    sigs.ofRelease.stream().map(line -> text(line, "artifactDigest")).filter(Objects::nonNull).forEach(sigDigests::add);
    for (String other : sigDigests) {
      if (!other.equals(digest)) {
        findings.add("artifact digest: the history says " + shown(digest) + ", the signature log's lines of this"
            + " release say " + shown(other));
      }
    }

    // ---- signer and attestations: the sign activity's result vs the signature log
    Signer signer = null;
    List<Attestation> attestations = new ArrayList<>();
    for (ReleaseHistory.Activity sign : h.signs) {
      if (sign.failure() != null) {
        continue;
      }
      for (JsonNode ref : sign.result()) {
        String kind = text(ref, "kind");
        String keyId = text(ref, "keyId");
        String predicate = text(ref, "predicateType");
        String action = "attestation".equals(kind) ? "attest" : "sign";
        JsonNode logged = sigs.ofRun(h.runId).stream()
            .filter(line -> action.equals(text(line, "action")) && "done".equals(text(line, "outcome"))
                && Objects.equals(keyId, text(line, "keyId")) && Objects.equals(predicate, text(line, "predicateType")))
            .findFirst().orElse(null);
        if (logged == null) {
          findings.add("signature log: no '" + action + "' line by key " + shown(keyId)
              + (predicate == null ? "" : " for " + shown(predicate)) + ", which the history's Signing.sign made");
        }
        if ("attestation".equals(kind)) {
          attestations.add(new Attestation(clean(predicate), clean(keyId), clean(text(ref, "location"))));
        } else if (signer == null) {
          signer = new Signer(clean(keyId), logged == null ? null : clean(text(logged, "actor")),
              logged == null ? null : clean(text(logged, "at")), trustedKeyName(h.result, keyId));
        }
      }
    }
    for (JsonNode line : sigs.ofRun(h.runId)) {
      String action = text(line, "action");
      if (("sign".equals(action) || "attest".equals(action)) && "done".equals(text(line, "outcome"))
          && h.signs.stream().noneMatch(sign -> sign.failure() == null)) {
        findings.add("signature log: a '" + action + "' line for this run, but the history made no signature");
        break;
      }
    }

    // ---- gates: the result's list vs the trail's gate lines
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

    // ---- approvals and overrides: the messages in the history vs the trail (and vs the history's report)
    List<Approval> approvals = approvals(h, audit, digest, findings);
    List<Override> overrides = overrides(h, audit, findings);

    // ---- regions: the plan, each region's child workflow, the signature log's verification of it
    List<Region> regions = regions(h, sigs, digest, findings);
    environmentVerifications(h, sigs, findings);

    // ---- outcome
    String historyOutcome = h.closed == null ? "RUNNING" : h.closed;
    String state = text(h.result, "state");
    String trailOutcome = audit.lastReleaseOutcome;
    String failureReason = h.failure != null ? h.failure : text(h.result, "failureReason");
    String expected = switch (historyOutcome) {
      case "COMPLETED" -> "SUCCEEDED".equals(state) ? "succeeded" : "?" + state;
      case "FAILED", "CANCELLED" -> "failed";
      default -> null; // running, terminated, timed out: the worker writes no end line
    };
    if (expected != null && expected.startsWith("?")) {
      findings.add("outcome: the history completed with a report that says " + shown(state));
    } else if (expected != null && !expected.equals(trailOutcome)
        && !("failed".equals(expected) && "refused".equals(trailOutcome))) {
      findings.add("outcome: the history says " + historyOutcome + ", the audit trail's last release line says "
          + (trailOutcome == null ? "nothing" : shown(trailOutcome)));
    } else if (expected == null && trailOutcome != null && !"started".equals(trailOutcome)) {
      findings.add("outcome: the history says " + historyOutcome + ", the audit trail says the release "
          + shown(trailOutcome));
    }

    JsonNode source = h.result.isObject() ? h.result : h.plan.isObject() ? h.plan : h.input;
    String policyDigest = text(h.result.path("policy"), "digest");
    if (policyDigest == null) {
      policyDigest = text(h.plan.path("policy"), "digest");
    }
    return new Report(clean(releaseId), clean(h.runId), clean(text(source, "application")),
        clean(text(source, "version")), clean(digest), clean(text(source, "requestedBy")), clean(policyDigest),
        new Outcome(historyOutcome, clean(state), clean(trailOutcome), clean(failureReason)), signer, attestations,
        gates, approvals, overrides, regions, new Chains(trailChain, sigChain), findings.all.isEmpty(),
        findings.shown(), findings.notShown());
  }

  private static List<Approval> approvals(ReleaseHistory h, AuditLines audit, String digest, Findings findings) {
    List<JsonNode> reported = new ArrayList<>();
    h.result.path("approvals").forEach(reported::add);
    List<JsonNode> trailLines = audit.ofRun.stream().filter(line -> "approval".equals(text(line, "kind"))).toList();
    List<JsonNode> unmatchedTrail = new ArrayList<>(trailLines.stream()
        .filter(line -> "accepted".equals(text(line, "outcome"))).toList());
    List<Approval> approvals = new ArrayList<>();
    for (ReleaseHistory.Message message : h.approvals) {
      String approver = text(message.body(), "approver");
      String environment = text(message.outcome(), "environment");
      Boolean accepted = message.outcome().has("accepted") ? message.outcome().path("accepted").asBoolean() : null;
      JsonNode match = null;
      for (JsonNode entry : reported) {
        if (Objects.equals(approver, text(entry, "approver"))) {
          match = entry;
          break;
        }
      }
      if (match != null) {
        reported.remove(match);
        if (environment == null) {
          environment = text(match, "environment");
        }
        if (accepted == null) {
          accepted = match.path("accepted").asBoolean();
        }
      }
      if (environment == null) {
        environment = text(message.body(), "environment");
      }
      JsonNode inTrail = null;
      for (JsonNode line : Boolean.FALSE.equals(accepted) ? List.<JsonNode>of() : unmatchedTrail) {
        if (Objects.equals(approver, text(line, "actor"))
            && (environment == null || Objects.equals(environment, text(line, "environment")))) {
          inTrail = line;
          break;
        }
      }
      if (inTrail != null) {
        unmatchedTrail.remove(inTrail);
        if (environment == null) {
          environment = text(inTrail, "environment");
        }
        if (accepted == null) {
          accepted = true; // a signal's acceptance is in the workflow's state; the trail recorded it
        }
      }
      if (Boolean.TRUE.equals(accepted)) {
        if (inTrail == null) {
          findings.add("approval by " + shown(approver) + (environment == null ? "" : " in " + shown(environment))
              + ": in the history (" + message.via() + " at " + message.at() + ", event " + message.eventId()
              + "), not in the audit trail");
        }
        String comment = MessageLimits.cut(text(message.body(), "comment"), MessageLimits.TEXT);
        if (inTrail != null && !Objects.equals(comment, text(inTrail, "detail"))
            && !(comment == null && text(inTrail, "detail") == null)) {
          findings.add("approval by " + shown(approver) + ": the history's message says " + shown(comment)
              + ", the audit trail says " + shown(text(inTrail, "detail")));
        }
        String approved = text(message.body(), "digest");
        if (approved != null && !approved.equals(digest)) {
          findings.add("approval by " + shown(approver) + ": it approved " + shown(approved) + ", the release's"
              + " artifact is " + shown(digest));
        }
      }
      approvals.add(new Approval(clean(environment), clean(approver), message.at(), message.via(),
          clean(message.clientIdentity()), message.body().hasNonNull("token"), accepted,
          clean(text(message.body(), "comment")), inTrail == null ? null : clean(text(inTrail, "at"))));
    }
    for (JsonNode entry : reported) {
      if (entry.path("accepted").asBoolean()) {
        findings.add("approval by " + shown(text(entry, "approver")) + " in " + shown(text(entry, "environment"))
            + ": in the history's report, but no approve signal or update of the history carries it");
      }
    }
    for (JsonNode line : unmatchedTrail) {
      findings.add("approval by " + shown(text(line, "actor")) + " in " + shown(text(line, "environment"))
          + ": in the audit trail (at " + clean(text(line, "at")) + "), but no approve signal or update of the"
          + " history carries it");
    }
    return approvals;
  }

  private static List<Override> overrides(ReleaseHistory h, AuditLines audit, Findings findings) {
    List<JsonNode> reported = new ArrayList<>();
    h.result.path("overrides").forEach(reported::add);
    List<JsonNode> unmatchedTrail = new ArrayList<>(audit.ofRun.stream()
        .filter(line -> "override".equals(text(line, "kind")) && "accepted".equals(text(line, "outcome"))).toList());
    List<Override> overrides = new ArrayList<>();
    for (ReleaseHistory.Message message : h.overrides) {
      String approver = text(message.body(), "approver");
      String gate = text(message.body(), "gate");
      String incident = text(message.body(), "incident");
      String environment = text(message.outcome(), "environment");
      Boolean accepted = message.outcome().has("accepted") ? message.outcome().path("accepted").asBoolean() : null;
      for (JsonNode entry : reported) {
        if (Objects.equals(approver, text(entry, "approver")) && Objects.equals(incident, text(entry, "incident"))) {
          reported.remove(entry);
          environment = environment == null ? text(entry, "environment") : environment;
          accepted = accepted == null ? entry.path("accepted").asBoolean() : accepted;
          break;
        }
      }
      JsonNode inTrail = null;
      for (JsonNode line : Boolean.FALSE.equals(accepted) ? List.<JsonNode>of() : unmatchedTrail) {
        String detail = String.valueOf(text(line, "detail"));
        if (Objects.equals(approver, text(line, "actor")) && gate != null
            && detail.startsWith(gate.trim() + " gate, incident " + (incident == null ? "" : incident.trim()))) {
          inTrail = line;
          break;
        }
      }
      if (inTrail != null) {
        unmatchedTrail.remove(inTrail);
        environment = environment == null ? text(inTrail, "environment") : environment;
        accepted = accepted == null ? Boolean.TRUE : accepted;
      }
      if (Boolean.TRUE.equals(accepted) && inTrail == null) {
        findings.add("override of the " + shown(gate) + " gate by " + shown(approver) + ": in the history ("
            + message.via() + " at " + message.at() + ", event " + message.eventId() + "), not in the audit trail");
      }
      overrides.add(new Override(clean(environment), clean(gate), clean(approver),
          clean(text(message.body(), "justification")), clean(incident), message.at(), message.via(),
          clean(message.clientIdentity()), accepted));
    }
    for (JsonNode entry : reported) {
      if (entry.path("accepted").asBoolean()) {
        findings.add("override by " + shown(text(entry, "approver")) + " in " + shown(text(entry, "environment"))
            + ": in the history's report, but no override signal or update of the history carries it");
      }
    }
    for (JsonNode line : unmatchedTrail) {
      findings.add("override by " + shown(text(line, "actor")) + " in " + shown(text(line, "environment"))
          + ": in the audit trail, but no override signal or update of the history carries it");
    }
    return overrides;
  }

  private static List<Region> regions(ReleaseHistory h, SignatureLines sigs, String digest, Findings findings) {
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
  private static void environmentVerifications(ReleaseHistory h, SignatureLines sigs, Findings findings) {
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
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  /** The trusted key's name, as the signature gate's detail gives it: "... by trusted key 'NAME' (KEYID)". */
  private static String trustedKeyName(JsonNode result, String keyId) {
    for (JsonNode gate : result.path("gates")) {
      String detail = text(gate, "detail");
      if ("signature".equals(text(gate, "gate")) && detail != null && keyId != null) {
        int at = detail.indexOf("by trusted key '");
        int end = detail.indexOf("' (" + keyId + ")");
        if (at >= 0 && end > at) {
          return clean(detail.substring(at + "by trusted key '".length(), end));
        }
      }
    }
    return null;
  }

  private static Chain chain(Path file, long lines, long ofRelease, String name, Findings findings) {
    List<String> problems;
    try {
      problems = HashChainedLog.verify(file);
    } catch (IOException | RuntimeException e) {
      problems = List.of("cannot be read whole (" + e.getClass().getSimpleName() + ")");
    }
    problems.forEach(problem -> findings.add(name + ": " + clean(problem)));
    List<String> shown = problems.stream().limit(MAX_FINDINGS).map(OfflineReport::clean).toList();
    return new Chain(lines, ofRelease, problems.isEmpty(), shown);
  }

  private static final java.util.regex.Pattern HASH = java.util.regex.Pattern.compile("(sha256:)?([0-9a-f]{64})");

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

  /** The release id the request names (release/<app>/<version>, or promotion/... for a promotion). */
  private static String releaseIdOf(JsonNode input) {
    if (text(input, "application") == null || text(input, "version") == null) {
      return null;
    }
    try {
      return JSON.treeToValue(input, dev.gantry.workflows.api.ReleaseRequest.class).releaseId();
    } catch (IOException | RuntimeException e) {
      return ReleaseIds.release(text(input, "application"), text(input, "version"));
    }
  }

  static String text(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return value == null || value.isNull() || value.isContainerNode() ? null : value.asText();
  }

  /** A value from a file, fit to show: one line, no control or formatting characters, at most 200 characters. */
  static String clean(String value) {
    if (value == null) {
      return null;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < value.length() && out.length() < SHOWN; i++) {
      char c = value.charAt(i);
      // control characters and invisible formatting (bidirectional overrides, zero-width) become spaces
      out.append(Character.isISOControl(c) || Character.getType(c) == Character.FORMAT ? ' ' : c);
    }
    return value.length() > SHOWN ? out + "..." : out.toString();
  }

  /** A value in a finding: quoted, printable ASCII only, at most 100 characters (a digest fits), the rest counted. */
  static String shown(String value) {
    if (value == null) {
      return "nothing";
    }
    StringBuilder shown = new StringBuilder("'");
    int limit = Math.min(value.length(), 100);
    for (int i = 0; i < limit; i++) {
      char c = value.charAt(i);
      shown.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    shown.append('\'');
    if (value.length() > limit) {
      shown.append(" (").append(value.length() - limit).append(" more characters)");
    }
    return shown.toString();
  }

  private static String shownAll(Set<String> values) {
    List<String> list = values.stream().limit(5).map(OfflineReport::shown).toList();
    return String.join(", ", list) + (values.size() > 5 ? " and " + (values.size() - 5) + " more" : "");
  }

  /** The disagreements: all counted, the first {@link #MAX_FINDINGS} kept. */
  private static final class Findings {
    final List<String> all = new ArrayList<>();

    void add(String finding) {
      all.add(finding);
    }

    List<String> shown() {
      return all.stream().limit(MAX_FINDINGS).toList();
    }

    int notShown() {
      return Math.max(0, all.size() - MAX_FINDINGS);
    }
  }

  /** The audit trail's lines of the release (and of its run); the other releases' are only named. */
  private static final class AuditLines {
    long total;
    final List<JsonNode> ofRelease = new ArrayList<>();
    final List<JsonNode> ofRun = new ArrayList<>();
    final Set<String> otherReleases = new TreeSet<>();
    final Set<String> otherRuns = new TreeSet<>();
    /** The hash of every line, for the chain heads the history holds. */
    final Set<String> hashes = new java.util.HashSet<>();
    String lastReleaseOutcome;

    static AuditLines read(Path file, String releaseId, String runId) {
      AuditLines lines = new AuditLines();
      forEachLine(file, "audit trail", line -> {
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

  /** The signature log's lines of the release and of its regions' child workflows. */
  private static final class SignatureLines {
    long total;
    final List<JsonNode> ofRelease = new ArrayList<>();
    final Set<String> otherReleases = new TreeSet<>();

    List<JsonNode> ofRun(String runId) {
      return ofRelease.stream().filter(line -> Objects.equals(runId, text(line, "runId"))).toList();
    }

    static SignatureLines read(Path file, String releaseId) {
      SignatureLines lines = new SignatureLines();
      forEachLine(file, "signature log", line -> {
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

  /** Each line that is a JSON object; a line that is not is the chain check's finding, not echoed here. */
  private static void forEachLine(Path file, String name, java.util.function.Consumer<JsonNode> each) {
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String raw;
      while ((raw = reader.readLine()) != null) {
        if (raw.isBlank()) {
          continue;
        }
        JsonNode line;
        try {
          line = JSON.readTree(raw);
        } catch (IOException e) {
          continue;
        }
        if (line != null && line.isObject()) {
          each.accept(line);
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the " + name + " " + file + " (" + e.getClass().getSimpleName()
          + ")");
    }
  }
}
