package dev.gantry.workflows.api.approval;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** A review owed after an emergency override: who skipped which gate, why, under which incident. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record FollowUpReview(
    String releaseId,
    String environment,
    String gate,
    String approver,
    String justification,
    String incident,
    String artifactDigest,
    String at) {}
