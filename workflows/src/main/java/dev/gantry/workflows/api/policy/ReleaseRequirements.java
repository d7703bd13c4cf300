package dev.gantry.workflows.api.policy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * What a requester may add to the platform's policy: requirements that only ever make a gate stricter.
 * A value below what policy already asks is refused, not ignored, so nobody believes they loosened a gate.
 *
 * @param minApprovals   at least this many approvals in every environment that has an approval gate
 * @param attestations   predicate types (or {@code slsa-provenance}, {@code sbom}) every environment verifies
 * @param minBakeSeconds every progressive rollout step bakes at least this long
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ReleaseRequirements(Integer minApprovals, List<String> attestations, Integer minBakeSeconds) {
  public List<String> attestationsOrEmpty() {
    return attestations == null ? List.of() : attestations;
  }

  public boolean isEmpty() {
    return minApprovals == null && attestationsOrEmpty().isEmpty() && minBakeSeconds == null;
  }
}
