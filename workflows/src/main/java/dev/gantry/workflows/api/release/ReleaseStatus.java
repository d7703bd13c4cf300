package dev.gantry.workflows.api.release;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.gantry.workflows.api.approval.Approval;
import dev.gantry.workflows.api.approval.GateOverride;
import dev.gantry.workflows.api.audit.AuditHead;
import dev.gantry.workflows.api.policy.PolicyStamp;
import dev.gantry.workflows.api.signing.SignatureRef;
import java.util.List;

/**
 * The whole picture of a release, returned by the {@code status} query and, once finished, as its
 * result (the release report).
 *
 * @param stage         a short machine-friendly position, e.g. {@code deploy:staging} or
 *                      {@code approval:production}
 * @param failureReason why the release failed, or null
 * @param overrides     emergency overrides, accepted and refused
 * @param gates         the outcome of every gate that ran
 * @param signatures    the signatures and attestations the release made of its artifact
 * @param policy        the platform policy that resolved the plan (null for releases started before policy)
 * @param omitted       what the status left out to stay bounded (null from releases started before the
 *                      bounds)
 * @param auditHead     the audit trail's head after the release's latest record (null before the first
 *                      append returned, and for releases recorded before heads were kept)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ReleaseStatus(
    String releaseId,
    String application,
    String version,
    String artifactDigest,
    String requestedBy,
    ReleaseState state,
    String stage,
    List<EnvironmentStatus> environments,
    List<Approval> approvals,
    List<TimelineEntry> timeline,
    String startedAt,
    String finishedAt,
    String failureReason,
    List<GateOverride> overrides,
    List<GateCheck> gates,
    List<SignatureRef> signatures,
    PolicyStamp policy,
    Omissions omitted,
    AuditHead auditHead) {

  public ReleaseStatus(String releaseId, String application, String version, String artifactDigest,
      String requestedBy, ReleaseState state, String stage, List<EnvironmentStatus> environments,
      List<Approval> approvals, List<TimelineEntry> timeline, String startedAt, String finishedAt,
      String failureReason, List<GateOverride> overrides, List<GateCheck> gates, List<SignatureRef> signatures,
      PolicyStamp policy, Omissions omitted) {
    this(releaseId, application, version, artifactDigest, requestedBy, state, stage, environments, approvals,
        timeline, startedAt, finishedAt, failureReason, overrides, gates, signatures, policy, omitted, null);
  }

  /** The same status with the audit trail's head the workflow keeps. */
  public ReleaseStatus withAuditHead(AuditHead head) {
    return new ReleaseStatus(releaseId, application, version, artifactDigest, requestedBy, state, stage,
        environments, approvals, timeline, startedAt, finishedAt, failureReason, overrides, gates, signatures,
        policy, omitted, head);
  }

  public ReleaseStatus(String releaseId, String application, String version, String artifactDigest,
      String requestedBy, ReleaseState state, String stage, List<EnvironmentStatus> environments,
      List<Approval> approvals, List<TimelineEntry> timeline, String startedAt, String finishedAt,
      String failureReason, List<GateOverride> overrides, List<GateCheck> gates, List<SignatureRef> signatures) {
    this(releaseId, application, version, artifactDigest, requestedBy, state, stage, environments, approvals,
        timeline, startedAt, finishedAt, failureReason, overrides, gates, signatures, null, null, null);
  }
}
