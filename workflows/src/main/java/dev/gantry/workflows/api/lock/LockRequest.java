package dev.gantry.workflows.api.lock;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A release asks for its application's environment (signal {@code request} of the lock workflow).
 *
 * @param releaseId    the asking release's workflow id
 * @param runId        its run (a reset release asks again from its new run)
 * @param mode         {@link Locks#WAIT} (queue behind the holder) or {@link Locks#REFUSE} (refused when held)
 * @param checkSeconds how often the lock checks that its holder still runs while others wait; null: 30
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LockRequest(String lockId, String application, String environment, String releaseId, String runId,
    String mode, Integer checkSeconds) {}
