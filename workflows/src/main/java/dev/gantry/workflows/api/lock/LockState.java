package dev.gantry.workflows.api.lock;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** What a lock carries into its next run (and shows by its {@code state} query). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LockState(String lockId, LockRequest holder, List<LockRequest> queue) {}
