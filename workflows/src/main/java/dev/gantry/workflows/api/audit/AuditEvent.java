package dev.gantry.workflows.api.audit;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One line of the audit trail.
 *
 * @param eventId     unique and stable under retry ({@code <workflow id>/<run id>/<sequence>})
 * @param kind        e.g. approval, rejection, override, follow-up-review, gate
 * @param actor       who acted (as they named themselves; see the approval trust model)
 * @param outcome     accepted, refused, passed, failed, ...
 * @param detail      the reason or the comment
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AuditEvent(
    String eventId,
    String releaseId,
    String runId,
    String kind,
    String actor,
    String environment,
    String outcome,
    String detail,
    String artifactDigest,
    String at) {}
