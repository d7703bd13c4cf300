package dev.gantry.starter.spec;

import java.util.List;
import java.util.Map;

/**
 * {@code policy.yaml}, the root of the platform's policy directory: what the worker trusts, and what each
 * application may do. Environment gates, targets and health checks live next to it, in
 * {@code environments/<env>/config.yaml}. Unknown fields are errors, as in every file people write.
 */
record PolicyFile(
    RootsSpec roots,
    String approvers,
    ReleaseSpecFile.SigningSpec signing,
    Map<String, ApplicationSpec> applications) {

  /**
   * @param artifacts folders a file artifact must be inside (symlinks resolved)
   * @param targets   folders every local target root must be inside
   * @param images    image repositories (prefixes, e.g. {@code registry.example.com/team/}) releases may ship
   * @param credentials folders on the worker every credential file a target names must be inside (a kubernetes
   *                  target's CA, token and client certificate files)
   */
  record RootsSpec(List<String> artifacts, List<String> targets, List<String> images, List<String> credentials) {}

  /**
   * @param owners       who owns the application (recorded in the plan and the report)
   * @param promotion    its promotion path, in order; a release goes through a prefix of it, a promotion
   *                     moves between two neighbours on it
   * @param environments the folder of its environment configs (default {@code environments})
   * @param source       the source repository recorded in its provenance attestations
   * @param signedActions every message to this application's releases must be signed, in every environment
   */
  record ApplicationSpec(List<String> owners, List<String> promotion, String environments, String source,
      Boolean signedActions) {}
}
