package dev.gantry.activities.signing;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * What a SLSA v1 provenance says about one build: who built it, how, from which source, and when.
 *
 * @param builderId URI of the builder, e.g. {@code https://github.com/org/repo/.github/workflows/build.yml}
 * @param buildType URI of the build's type (the template the external parameters follow)
 * @param externalParameters the inputs a user controlled (rendered as JSON)
 * @param sourceUri the source repository, e.g. {@code git+https://github.com/org/repo}, or null: unknown
 * @param sourceCommit the git commit built (hex), or null
 * @param invocationId identifies this run, e.g. a CI run URL
 * @param startedOn when the build started
 * @param finishedOn when the build finished
 */
public record Provenance(
    String builderId,
    String buildType,
    Map<String, Object> externalParameters,
    String sourceUri,
    String sourceCommit,
    String invocationId,
    Instant startedOn,
    Instant finishedOn) {

  public Provenance {
    Objects.requireNonNull(builderId, "builderId");
    Objects.requireNonNull(buildType, "buildType");
    externalParameters = externalParameters == null ? Map.of() : Map.copyOf(externalParameters);
  }
}
