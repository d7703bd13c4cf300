package dev.gantry.workflows.api.lock;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The lock's answer to a release (signal {@code lockAnswer} of the release).
 *
 * @param outcome {@link Locks#GRANTED}, {@link Locks#QUEUED} (waits behind {@code holder}) or
 *                {@link Locks#REFUSED} (held by {@code holder}, and policy refuses rather than waits)
 * @param holder  the release holding the environment (queued, refused)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LockAnswer(String lockId, String outcome, String holder, String detail) {}
