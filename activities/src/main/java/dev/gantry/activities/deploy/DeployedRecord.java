package dev.gantry.activities.deploy;

import dev.gantry.workflows.api.deploy.RecordDeploymentRequest;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a target writes as an environment's {@code deployed.json}: the same fields, in this order, for every target. */
public final class DeployedRecord {
  private DeployedRecord() {}

  public static Map<String, Object> of(RecordDeploymentRequest request, Clock clock) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("application", request.application());
    body.put("version", request.version());
    body.put("artifactDigest", request.artifactDigest());
    body.put("releaseId", request.releaseId());
    body.put("regions", request.regions());
    body.put("recordedAt", clock.instant().toString());
    return body;
  }
}
