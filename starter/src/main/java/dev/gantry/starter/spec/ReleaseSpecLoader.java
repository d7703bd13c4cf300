package dev.gantry.starter.spec;

import static dev.gantry.starter.spec.SpecChecks.blank;
import static dev.gantry.starter.spec.SpecChecks.quoted;
import static dev.gantry.starter.spec.SpecChecks.require;

import dev.gantry.workflows.api.artifact.ArtifactRef;
import dev.gantry.workflows.api.artifact.Sha256;
import dev.gantry.workflows.api.input.Names;
import dev.gantry.workflows.api.policy.ReleaseRequirements;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.ReleaseRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code release.yaml} and {@code environments/<env>/config.yaml}, checks them, and resolves them
 * into the {@link ReleaseRequest} the workflow runs: relative paths become absolute (relative to the
 * release spec's folder) and the artifact is bound to its sha256 digest. Files are read by {@link SpecFiles};
 * an environment config is resolved by {@link EnvironmentPlans}.
 */
public final class ReleaseSpecLoader {
  private final SpecFiles files = new SpecFiles();

  /**
   * What the caller may set from outside the file.
   *
   * @param requestedBy         wins over the spec's requestedBy (a CLI flag)
   * @param fallbackRequestedBy used when neither the flag nor the spec names the requester ($USER)
   */
  public record Overrides(String requestedBy, String fallbackRequestedBy) {
    public static Overrides none() {
      return new Overrides(null, null);
    }
  }

  public ReleaseRequest load(Path specFile) {
    return load(specFile, Overrides.none());
  }

  /**
   * The release request a spec describes: what to release, and how far along the promotion path. Gates,
   * targets and signing are the worker's policy: a spec that still sets them is refused, naming the field.
   */
  public ReleaseRequest load(Path specFile, Overrides overrides) {
    Path spec = specFile.toAbsolutePath().normalize();
    Path base = spec.getParent();
    List<String> problems = new ArrayList<>();
    ReleaseSpecFile file = files.read(spec, ReleaseSpecFile.class, problems);
    if (file == null) {
      throw new SpecException(problems);
    }
    String where = spec.getFileName().toString();
    require(Names.isName(file.application()), problems,
        where + ": field 'application' must be a lowercase name like hello-service (got "
            + quoted(file.application()) + ")");
    require(Names.isVersion(file.version()), problems,
        where + ": field 'version' must be a version like 1.4.0 (letters, digits, '.', '_', '+', '-';"
            + " got " + quoted(file.version()) + ")");
    String requestedBy = firstNonBlank(firstNonBlank(overrides.requestedBy(), file.requestedBy()),
        overrides.fallbackRequestedBy());
    require(requestedBy != null, problems, where + ": field 'requestedBy' is missing: add"
        + " `requestedBy: <your name>` or pass --requested-by");
    require(requestedBy == null || Names.isPerson(requestedBy), problems,
        where + ": field 'requestedBy' must be a handle like dana or ci-bot (letters, digits, '.', '_', '@', '+', '-')");
    refuseMovedFields(where, file, problems);
    ArtifactRef artifact = artifact(where, base, file.artifact(), problems);
    List<String> path = file.promotion();
    if (path != null) {
      for (String name : path) {
        if (!Names.isName(name)) {
          problems.add(where + ": field 'promotion' has " + quoted(name)
              + ": environment names are lowercase, like staging");
        }
      }
      if (path.isEmpty()) {
        problems.add(where + ": field 'promotion' is empty: leave it out to go through the whole path policy"
            + " defines, or list its first environments");
      }
    }
    if (file.notes() != null && file.notes().length() > ReleaseRequest.MAX_NOTES) {
      problems.add(where + ": field 'notes' has " + file.notes().length() + " characters; at most "
          + ReleaseRequest.MAX_NOTES);
    }
    if (!problems.isEmpty()) {
      throw new SpecException(problems);
    }
    return ReleaseRequest.request(file.application(), file.version(), artifact, requestedBy, path, spec.toString(),
        requirements(file.requirements()), file.notes());
  }

  private static ReleaseRequirements requirements(ReleaseSpecFile.RequirementsSpec spec) {
    return spec == null ? null : new ReleaseRequirements(spec.minApprovals(),
        spec.attestations() == null ? null : List.copyOf(spec.attestations()), spec.minBakeSeconds());
  }

  /** Fields of the old release spec that are the platform's to set now: say where they went. */
  private static void refuseMovedFields(String where, ReleaseSpecFile file, List<String> problems) {
    if (file.environmentsDir() != null) {
      problems.add(where + ": field 'environmentsDir' moved into the platform policy: environments are read by"
          + " the worker from its policy directory (environments/<env>/config.yaml); remove the field");
    }
    if (file.approversDirectory() != null) {
      problems.add(where + ": field 'approversDirectory' moved into the platform policy (policy.yaml, approvers);"
          + " remove the field");
    }
    if (file.signing() != null) {
      problems.add(where + ": field 'signing' moved into the platform policy (policy.yaml, signing): the worker"
          + " signs with the platform's key; remove the field");
    }
  }

  private ArtifactRef artifact(String where, Path base, ReleaseSpecFile.ArtifactSpec spec,
      List<String> problems) {
    if (spec == null || (spec.file() == null) == (spec.image() == null)) {
      problems.add(where + ": field 'artifact' needs exactly one of 'file' (a path) or 'image'"
          + " (repository@sha256:<digest>)");
      return null;
    }
    if (spec.digest() != null && !Names.isDigest(spec.digest())) {
      problems.add(where + ": field 'artifact.digest' must look like sha256:<64 lowercase hex>");
      return null;
    }
    if (spec.image() != null) {
      ArtifactRef image = ArtifactRef.imageByDigest(spec.image()).orElse(null);
      if (image == null) {
        problems.add(where + ": field 'artifact.image' must name a digest, not a tag:"
            + " repository@sha256:<64 hex> (got " + quoted(spec.image()) + ")");
      }
      return image;
    }
    Path path = base.resolve(spec.file()).normalize();
    if (!Files.isRegularFile(path)) {
      problems.add(where + ": field 'artifact.file': " + path + " does not exist or is not a file");
      return null;
    }
    String digest = sha256(path);
    if (spec.digest() != null && !spec.digest().equals(digest)) {
      problems.add(where + ": field 'artifact.digest' says " + spec.digest() + " but " + path
          + " has " + digest + ": the file is not the one the spec names");
      return null;
    }
    return ArtifactRef.file(path.toString(), digest);
  }

  /**
   * One environment of the application a release spec names, as the platform policy defines it, for
   * commands about an environment rather than a release ({@code gantry region ...}). The policy is read from
   * the spec's {@code policy:} folder (default: {@code policy} next to the spec): a local checkout of the
   * platform's policy repository.
   */
  public EnvironmentPlan loadEnvironment(Path specFile, String environment) {
    Path spec = specFile.toAbsolutePath().normalize();
    List<String> problems = new ArrayList<>();
    ReleaseSpecFile file = files.read(spec, ReleaseSpecFile.class, problems);
    if (file == null) {
      throw new SpecException(problems);
    }
    Path policyDir = spec.getParent().resolve(file.policy() == null ? "policy" : file.policy()).normalize();
    if (!Files.isRegularFile(policyDir.resolve(PolicyDirectory.POLICY_FILE))) {
      throw new SpecException(List.of(spec.getFileName() + ": field 'policy': " + policyDir + " has no "
          + PolicyDirectory.POLICY_FILE + ": environment commands read the environment's settings from a local"
          + " checkout of the platform policy; set `policy: <folder>` in the spec (default: policy next to it)"));
    }
    Policy policy = new PolicyDirectory().loadForReading(policyDir);
    Policy.Application application = policy.applications().get(file.application());
    if (application == null) {
      throw new SpecException(List.of(spec.getFileName() + ": application " + quoted(file.application())
          + " is not in the policy at " + policyDir.resolve(PolicyDirectory.POLICY_FILE)));
    }
    EnvironmentPlan plan = application.environments().get(environment);
    if (plan == null) {
      throw new SpecException(List.of(spec.getFileName() + ": environment '" + environment + "' is not on "
          + file.application() + "'s promotion path " + application.promotion() + " in "
          + policyDir.resolve(PolicyDirectory.POLICY_FILE)));
    }
    return plan;
  }

  /**
   * A promotion ({@code gantry release promote}): the spec the version was released with, its version and
   * application checked against the command's, and a request to move it from {@code from} into {@code to}.
   * The worker checks that the two are neighbours on the application's promotion path in policy.
   */
  public ReleaseRequest loadPromotion(Path specFile, String application, String version, String from, String to,
      Overrides overrides) {
    ReleaseRequest release = load(specFile, overrides);
    List<String> problems = new ArrayList<>();
    String where = specFile.getFileName().toString();
    if (!release.application().equals(application)) {
      problems.add(where + " is the spec of " + release.application() + ", not of " + application);
    }
    if (!release.version().equals(version)) {
      problems.add(where + " is for version " + release.version() + ", not " + version
          + ": promote with the spec (and artifact) that version was released with");
    }
    for (String env : new String[] {from, to}) {
      if (!Names.isName(env)) {
        problems.add("--from and --to name environments, lowercase like staging (got " + quoted(env) + ")");
      }
    }
    if (!problems.isEmpty()) {
      throw new SpecException(problems);
    }
    return ReleaseRequest.promotionRequest(release.application(), release.version(), release.artifact(),
        release.requestedBy(), from, to, release.specSource(), release.notes());
  }

  /** The application named by a release spec (for environment commands). */
  public String application(Path specFile) {
    List<String> problems = new ArrayList<>();
    ReleaseSpecFile file = files.read(specFile.toAbsolutePath().normalize(), ReleaseSpecFile.class, problems);
    if (file == null || file.application() == null) {
      problems.add(specFile + ": field 'application' is missing");
      throw new SpecException(problems);
    }
    return file.application();
  }

  /** One YAML file of a policy or spec, checked the same way (size, unknown fields, empty items). */
  <T> T readFile(Path file, Class<T> type, List<String> problems) {
    return files.read(file, type, problems);
  }

  /** One environment config, resolved relative to {@code base} (the policy directory). */
  EnvironmentPlan environmentPlan(String name, String where, Path base, EnvironmentConfigFile env,
      List<String> problems) {
    return EnvironmentPlans.resolve(name, where, base, env, problems);
  }

  static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file);
        DigestOutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), Sha256.newDigest())) {
      in.transferTo(out);
      return Sha256.tagged(out.getMessageDigest());
    } catch (IOException e) {
      throw new SpecException(List.of("cannot read artifact " + file + ": " + e.getMessage()));
    }
  }

  private static String firstNonBlank(String first, String second) {
    return !blank(first) ? first : blank(second) ? null : second;
  }
}
