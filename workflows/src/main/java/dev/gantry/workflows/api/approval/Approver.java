package dev.gantry.workflows.api.approval;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * A person in the approvers directory.
 *
 * @param groups       e.g. release-managers, senior-engineers, emergency-approvers
 * @param publicKeyPem the approver's registered ECDSA P-256 public key (SPKI PEM), for signed approvals
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Approver(String name, List<String> groups, String publicKeyPem) {
  public boolean inAnyOf(List<String> wanted) {
    return groups != null && wanted != null && groups.stream().anyMatch(wanted::contains);
  }
}
