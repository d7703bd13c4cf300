package dev.gantry.workflows.release;

import dev.gantry.workflows.api.artifact.ArtifactRef;
import dev.gantry.workflows.api.input.Names;
import dev.gantry.workflows.api.release.ReleaseRequest;
import java.util.List;

/**
 * What a release shows before its plan is resolved: only the parts of the input that have their proper
 * shape, and no environments. A hostile input (a megabyte of application name, a null artifact) must not
 * reach the status, the audit trail or a log line.
 */
final class PlanSkeleton {
  private PlanSkeleton() {}

  static ReleaseRequest of(ReleaseRequest input) {
    if (input == null) {
      return new ReleaseRequest(null, null, null, List.of(), null, null);
    }
    ArtifactRef artifact = input.artifact();
    ArtifactRef shown = artifact != null && Names.isDigest(artifact.digest())
        ? new ArtifactRef(ArtifactRef.IMAGE.equals(artifact.kind()) ? ArtifactRef.IMAGE : ArtifactRef.FILE, null,
            artifact.digest())
        : null;
    boolean promotion = Names.isName(input.promoteFrom()) && input.promotionPath() != null
        && input.promotionPath().size() == 1 && Names.isName(input.promotionPath().get(0));
    return new ReleaseRequest(
        Names.isName(input.application()) ? input.application() : null,
        Names.isVersion(input.version()) ? input.version() : null,
        shown, List.of(),
        Names.isPerson(input.requestedBy()) ? input.requestedBy() : null,
        null, null, null, null,
        promotion ? List.copyOf(input.promotionPath()) : null, promotion ? input.promoteFrom() : null,
        null, null, null);
  }
}
