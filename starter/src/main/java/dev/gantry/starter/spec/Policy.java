package dev.gantry.starter.spec;

import dev.gantry.workflows.api.policy.PolicyStamp;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.signing.SigningPolicy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The platform's policy as the worker read it: checked whole (every application and environment) when it
 * was loaded, so a release only ever meets a policy that made sense.
 *
 * @param stamp          where it was read, its digest and git commit
 * @param artifactRoots  real paths of the folders file artifacts may come from
 * @param targetRoots    real paths of the folders local targets may write to
 * @param imageRepositories image repository prefixes releases may ship
 * @param approvers      the approvers directory (absolute path), or null
 * @param signing        how the worker signs each release, or null (artifacts come signed)
 * @param applications   by name
 */
public record Policy(
    PolicyStamp stamp,
    List<Path> artifactRoots,
    List<Path> targetRoots,
    List<String> imageRepositories,
    String approvers,
    SigningPolicy signing,
    Map<String, Application> applications) {

  /**
   * @param environments its environments as policy defines them, by name, in promotion order
   * @param configFolder where they were read (for messages)
   */
  public record Application(String name, List<String> owners, List<String> promotion,
      Map<String, EnvironmentPlan> environments, String source, String configFolder) {}

  /** The file a refusal about this part of policy should name. */
  public String file(String relative) {
    return Path.of(stamp.path()).resolve(relative).toString();
  }
}
