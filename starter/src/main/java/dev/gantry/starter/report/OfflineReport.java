package dev.gantry.starter.report;

import static dev.gantry.starter.report.ReportText.clean;
import static dev.gantry.starter.report.ReportText.shown;
import static dev.gantry.starter.report.ReportText.shownAll;
import static dev.gantry.starter.report.ReportText.text;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.workflows.api.release.ReleaseIds;
import dev.gantry.workflows.api.release.ReleaseRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
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
 *
 * <p>This class says which release the files are of and how it ended; each other check has a class of its own:
 * {@link ChainChecks}, {@link SignerChecks}, {@link GateChecks}, {@link MessageChecks}, {@link RegionChecks}.
 */
public final class OfflineReport {
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
    Chain trailChain = ChainChecks.chain(trail, audit.total, audit.ofRelease.size(), "audit trail", findings);
    Chain sigChain = ChainChecks.chain(signatures, sigs.total, sigs.ofRelease.size(), "signature log", findings);

    // ---- chain heads the history holds (Audit.append returns the trail's head where the worker does so)
    ChainChecks.heads(h, audit, findings);

    // ---- the trail belongs to this release and this run
    if (audit.ofRelease.isEmpty()) {
      findings.add("audit trail: no line of " + clean(releaseId) + (audit.otherReleases.isEmpty() ? ""
          : " (its lines are of " + shownAll(audit.otherReleases) + ")"));
    } else if (audit.ofRun.isEmpty()) {
      findings.add("audit trail: no line of the history's run " + shown(h.runId) + " of " + clean(releaseId)
          + " (its lines of this release are of runs " + shownAll(audit.otherRuns) + ")");
    }
    sameDigest(audit.ofRun, digest, "the audit trail's lines of this run", findings);
    boolean signatureWork = !h.signs.isEmpty() || !h.verifies.isEmpty() || h.children.stream()
        .anyMatch(child -> child.request().path("verification").path("required").asBoolean(false));
    if (sigs.ofRelease.isEmpty() && signatureWork) {
      findings.add("signature log: no line of " + clean(releaseId) + (sigs.otherReleases.isEmpty() ? ""
          : " (its lines are of " + shownAll(sigs.otherReleases) + ")"));
    }
    sameDigest(sigs.ofRelease, digest, "the signature log's lines of this release", findings);

    // ---- signer and attestations: the sign activity's result vs the signature log
    SignerChecks.Signed signed = SignerChecks.check(h, sigs, findings);

    // ---- gates: the result's list vs the trail's gate lines
    List<Gate> gates = GateChecks.check(h, audit, findings);

    // ---- approvals and overrides: the messages in the history vs the trail (and vs the history's report)
    List<Approval> approvals = MessageChecks.approvals(h, audit, digest, findings);
    List<Override> overrides = MessageChecks.overrides(h, audit, findings);

    // ---- regions: the plan, each region's child workflow, the signature log's verification of it
    List<Region> regions = RegionChecks.regions(h, sigs, digest, findings);
    RegionChecks.environmentVerifications(h, sigs, findings);

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
        new Outcome(historyOutcome, clean(state), clean(trailOutcome), clean(failureReason)), signed.signer(),
        signed.attestations(),
        gates, approvals, overrides, regions, new Chains(trailChain, sigChain), findings.none(),
        findings.shown(), findings.notShown());
  }

  /** Each other digest that {@code lines} name is a finding: a line of this release about another artifact. */
  private static void sameDigest(List<JsonNode> lines, String digest, String whose, Findings findings) {
    Set<String> named = new TreeSet<>();
    lines.stream().map(line -> text(line, "artifactDigest")).filter(Objects::nonNull).forEach(named::add);
    for (String other : named) {
      if (!other.equals(digest)) {
        findings.add("artifact digest: the history says " + shown(digest) + ", " + whose + " say " + shown(other));
      }
    }
  }

  /** The release id the request names (release/<app>/<version>, or promotion/... for a promotion). */
  private static String releaseIdOf(JsonNode input) {
    if (text(input, "application") == null || text(input, "version") == null) {
      return null;
    }
    try {
      return JSON.treeToValue(input, ReleaseRequest.class).releaseId();
    } catch (IOException | RuntimeException e) {
      return ReleaseIds.release(text(input, "application"), text(input, "version"));
    }
  }
}
