package dev.gantry.starter.spec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.gantry.starter.spec.EnvironmentConfigFile.ApprovalSpec;
import dev.gantry.starter.spec.EnvironmentConfigFile.HealthCheckSpec;
import dev.gantry.starter.spec.EnvironmentConfigFile.RegionSpec;
import dev.gantry.workflows.api.ApprovalPolicy;
import dev.gantry.workflows.api.ArtifactRef;
import dev.gantry.workflows.api.DeployTarget;
import dev.gantry.workflows.api.Sha256;
import dev.gantry.workflows.api.rollout.RolloutPolicy;
import dev.gantry.workflows.api.EnvironmentPlan;
import dev.gantry.workflows.api.HealthCheck;
import dev.gantry.workflows.api.ReleaseRequest;
import dev.gantry.workflows.api.cab.CabPolicy;
import dev.gantry.workflows.api.flags.FlagPolicy;
import dev.gantry.workflows.api.notify.NotifyPolicy;
import dev.gantry.workflows.api.quality.QualityGatePolicy;
import dev.gantry.workflows.api.signing.VerificationPolicy;
import dev.gantry.workflows.api.window.DeploymentWindowPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads {@code release.yaml} and {@code environments/<env>/config.yaml}, checks them, and resolves them
 * into the {@link ReleaseRequest} the workflow runs: relative paths become absolute (relative to the
 * release spec's folder) and the artifact is bound to its sha256 digest.
 */
public final class ReleaseSpecLoader {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,127}");
  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
  private static final List<String> TARGET_TYPES =
      List.of(DeployTarget.LOCAL, DeployTarget.LAMBDA, DeployTarget.ECS);

  private final ObjectMapper yaml = nullElementsRefused(new ObjectMapper(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES));

  /**
   * An empty list item ({@code - } with nothing after it, {@code [a, ~]}) or map value is refused when the
   * file is read, naming the field, so that no section has to guard against null elements.
   */
  private static ObjectMapper nullElementsRefused(ObjectMapper mapper) {
    JsonSetter.Value refuse = JsonSetter.Value.forContentNulls(Nulls.FAIL);
    mapper.configOverride(List.class).setSetterInfo(refuse);
    mapper.configOverride(Map.class).setSetterInfo(refuse);
    return mapper;
  }

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
    ReleaseSpecFile file = read(spec, ReleaseSpecFile.class, problems);
    if (file == null) {
      throw new SpecException(problems);
    }
    String where = spec.getFileName().toString();
    require(file.application() != null && NAME.matcher(file.application()).matches(), problems,
        where + ": field 'application' must be a lowercase name like hello-service (got "
            + quoted(file.application()) + ")");
    require(file.version() != null && dev.gantry.workflows.api.Names.isVersion(file.version()), problems,
        where + ": field 'version' must be a version like 1.4.0 (letters, digits, '.', '_', '+', '-';"
            + " got " + quoted(file.version()) + ")");
    String requestedBy = firstNonBlank(firstNonBlank(overrides.requestedBy(), file.requestedBy()),
        overrides.fallbackRequestedBy());
    require(requestedBy != null, problems, where + ": field 'requestedBy' is missing: add"
        + " `requestedBy: <your name>` or pass --requested-by");
    require(requestedBy == null || dev.gantry.workflows.api.Names.isPerson(requestedBy), problems,
        where + ": field 'requestedBy' must be a handle like dana or ci-bot (letters, digits, '.', '_', '@', '+', '-')");
    refuseMovedFields(where, file, problems);
    ArtifactRef artifact = artifact(where, base, file.artifact(), problems);
    List<String> path = file.promotion();
    if (path != null) {
      for (String name : path) {
        if (name == null || !NAME.matcher(name).matches()) {
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

  private static dev.gantry.workflows.api.ReleaseRequirements requirements(ReleaseSpecFile.RequirementsSpec spec) {
    return spec == null ? null : new dev.gantry.workflows.api.ReleaseRequirements(spec.minApprovals(),
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
    if (spec.digest() != null && !DIGEST.matcher(spec.digest()).matches()) {
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

  private EnvironmentPlan environment(String name, String where, Path base, EnvironmentConfigFile env,
      List<String> problems) {
    int before = problems.size();
    List<String> regions = new ArrayList<>();
    List<String> primaries = new ArrayList<>();
    if (env.regions() == null || env.regions().isEmpty()) {
      problems.add(where + ": field 'regions' is missing: list at least one region, e.g."
          + " `regions: [{name: us-east-1, primary: true}]`");
    } else {
      for (RegionSpec region : env.regions()) {
        if (region == null || region.name() == null || !NAME.matcher(region.name()).matches()) {
          problems.add(where + ": field 'regions[].name' must be a region name like us-east-1 (got "
              + quoted(region == null ? null : region.name()) + ")");
        } else if (regions.contains(region.name())) {
          problems.add(where + ": region " + region.name() + " is listed twice");
        } else {
          regions.add(region.name());
          if (Boolean.TRUE.equals(region.primary())) {
            primaries.add(region.name());
          }
        }
      }
    }
    String primary = null;
    if (primaries.size() == 1) {
      primary = primaries.get(0);
    } else if (primaries.isEmpty() && regions.size() == 1) {
      primary = regions.get(0);
    } else if (!regions.isEmpty()) {
      problems.add(where + ": exactly one region must have `primary: true` (found "
          + (primaries.isEmpty() ? "none" : String.join(", ", primaries)) + ")");
    }
    List<List<String>> waves = waves(where, env.waves(), regions, primary, problems);
    DeployTarget target = target(where, base, env.target(), regions, problems);
    boolean onAws = env.target() != null && AwsSection.isAwsType(env.target().type());
    HealthCheck healthCheck = !onAws ? healthCheck(where, env.healthCheck(), problems)
        : target == null ? null // the target's own problems are reported; its health check depends on it
        : awsHealthCheck(where, env.healthCheck(), target, problems);
    checkRange(where, "maxParallelRegions", env.maxParallelRegions(), 1, 100, problems);
    ApprovalPolicy approval = approval(where, env.approval(), problems);
    QualityGatePolicy quality = GateSections.quality(where, base, env.quality(), problems);
    CabPolicy cab = GateSections.cab(where, env.cab(), problems);
    NotifyPolicy notify = GateSections.notifications(where, env.notifications(), problems);
    DeploymentWindowPolicy window = GateSections.window(where, base, env.window(), problems);
    VerificationPolicy verification = SigningSections.verification(where, base, env.verification(), problems);
    RolloutPolicy rollout = RolloutSection.rollout(where, base, env.rollout(),
        env.target() == null ? null : env.target().type(), problems);
    var environmentConfig = EnvironmentSections.config(where, base, env, problems);
    FlagPolicy flags = FlagSections.flags(where, base, env.flags(), problems);
    if (env.concurrency() != null && !List.of("wait", "refuse").contains(env.concurrency())) {
      problems.add(where + ": field 'concurrency' must be wait (a second release of the application waits until"
          + " the first leaves the environment; the default) or refuse (it is refused)");
    }
    if (problems.size() > before) {
      return null;
    }
    return new EnvironmentPlan(name, primary, waves, target, healthCheck, approval,
        env.variables() == null ? Map.of() : Map.copyOf(env.variables()), quality, cab, notify, window,
        verification, env.maxParallelRegions(), rollout, environmentConfig, flags, env.concurrency());
  }

  private static List<List<String>> waves(String where, List<List<String>> declared,
      List<String> regions, String primary, List<String> problems) {
    if (primary == null) {
      return List.of();
    }
    if (declared == null || declared.isEmpty()) {
      List<String> rest = regions.stream().filter(r -> !r.equals(primary)).toList();
      return rest.isEmpty() ? List.of(List.of(primary)) : List.of(List.of(primary), rest);
    }
    List<String> placed = new ArrayList<>();
    for (List<String> wave : declared) {
      if (wave == null || wave.isEmpty()) {
        problems.add(where + ": field 'waves' has an empty wave: remove it");
        continue;
      }
      for (String region : wave) {
        if (!regions.contains(region)) {
          problems.add(where + ": field 'waves' names " + quoted(region)
              + ", which is not in 'regions' (" + String.join(", ", regions) + ")");
        } else if (placed.contains(region)) {
          problems.add(where + ": field 'waves' places " + region + " in more than one wave");
        } else {
          placed.add(region);
        }
      }
    }
    List<String> missing = regions.stream().filter(r -> !placed.contains(r)).toList();
    if (!missing.isEmpty()) {
      problems.add(where + ": field 'waves' leaves out " + String.join(", ", missing)
          + ": put every region in one wave");
    }
    if (declared.get(0) != null && !declared.get(0).contains(primary)) {
      problems.add(where + ": the first wave must contain the primary region " + primary);
    }
    return declared.stream().map(List::copyOf).toList();
  }

  private static DeployTarget target(String where, Path base, EnvironmentConfigFile.TargetSpec spec,
      List<String> regions, List<String> problems) {
    if (spec == null || spec.type() == null) {
      problems.add(where + ": field 'target.type' is missing: use `target: {type: local, root: <folder>}`");
      return null;
    }
    if (!TARGET_TYPES.contains(spec.type())) {
      problems.add(where + ": field 'target.type' is " + quoted(spec.type())
          + "; supported: " + String.join(", ", TARGET_TYPES));
      return null;
    }
    if (AwsSection.isAwsType(spec.type())) {
      if (spec.root() != null) {
        problems.add(where + ": field 'target.root' is for local targets; a " + spec.type()
            + " target is described by target.aws: remove root");
      }
      AwsSection.checkRegionNames(where, regions, problems);
      var aws = AwsSection.resolve(where, spec.type(), spec.aws(), regions, problems);
      return aws == null ? null : DeployTarget.aws(spec.type(), aws);
    }
    if (spec.aws() != null) {
      problems.add(where + ": field 'target.aws' is for lambda and ecs targets, not " + spec.type());
    }
    if (spec.root() == null || spec.root().isBlank()) {
      problems.add(where + ": field 'target.root' is missing: the folder that receives"
          + " <env>/<region>/releases (relative paths are relative to the release spec)");
      return null;
    }
    return new DeployTarget(spec.type(), base.resolve(spec.root()).normalize().toString());
  }

  /**
   * On AWS the region's alarms and Route 53 health check are the health check; {@code healthCheck} may add
   * a URL or command, and sets attempts and interval. One attempt watches for {@code healthyForSeconds},
   * so its timeout must be longer than that.
   */
  private static HealthCheck awsHealthCheck(String where, HealthCheckSpec spec, DeployTarget target,
      List<String> problems) {
    int healthyFor = target.aws().healthyForSecondsOrDefault();
    if (spec == null) {
      return new HealthCheck(null, null, healthyFor + 30, null, null);
    }
    if (!blank(spec.command()) && !blank(spec.url())) {
      problems.add(where + ": field 'healthCheck' takes at most one of 'command' or 'url'");
    }
    if (!blank(spec.url()) && !spec.url().matches("https?://\\S+")) {
      problems.add(where + ": field 'healthCheck.url' must be an http:// or https:// URL");
    }
    checkRange(where, "healthCheck.timeoutSeconds", spec.timeoutSeconds(), 1, 7200, problems);
    checkRange(where, "healthCheck.attempts", spec.attempts(), 1, 100, problems);
    checkRange(where, "healthCheck.intervalSeconds", spec.intervalSeconds(), 1, 3600, problems);
    if (spec.timeoutSeconds() != null && spec.timeoutSeconds() <= healthyFor) {
      problems.add(where + ": field 'healthCheck.timeoutSeconds' (" + spec.timeoutSeconds() + ") must be longer"
          + " than target.aws.healthyForSeconds (" + healthyFor + "): one health attempt watches that long");
    }
    int timeout = spec.timeoutSeconds() != null ? spec.timeoutSeconds() : healthyFor + 30;
    return new HealthCheck(blank(spec.command()) ? null : spec.command(), blank(spec.url()) ? null : spec.url(),
        timeout, spec.attempts(), spec.intervalSeconds());
  }

  private static HealthCheck healthCheck(String where, HealthCheckSpec spec, List<String> problems) {
    if (spec == null || (blank(spec.command()) == blank(spec.url()))) {
      problems.add(where + ": field 'healthCheck' needs exactly one of 'command' (exit 0 = healthy) or"
          + " 'url' (2xx = healthy); a region is never assumed healthy");
      return null;
    }
    if (!blank(spec.url()) && !spec.url().matches("https?://\\S+")) {
      problems.add(where + ": field 'healthCheck.url' must be an http:// or https:// URL");
    }
    checkRange(where, "healthCheck.timeoutSeconds", spec.timeoutSeconds(), 1, 3600, problems);
    checkRange(where, "healthCheck.attempts", spec.attempts(), 1, 100, problems);
    checkRange(where, "healthCheck.intervalSeconds", spec.intervalSeconds(), 1, 3600, problems);
    return new HealthCheck(blank(spec.command()) ? null : spec.command(),
        blank(spec.url()) ? null : spec.url(), spec.timeoutSeconds(), spec.attempts(),
        spec.intervalSeconds());
  }

  private static ApprovalPolicy approval(String where, ApprovalSpec spec, List<String> problems) {
    if (spec == null) {
      return ApprovalPolicy.none();
    }
    if (!Boolean.TRUE.equals(spec.required())) {
      if (spec.approvers() != null || spec.groups() != null || spec.minApprovals() != null) {
        problems.add(where + ": field 'approval.required' is " + (spec.required() == null ? "missing" : "false")
            + " but approvers are configured: set `required: true`, or remove the approval section");
      }
      // No approval gate, but the environment may still name who may override its other gates, and may
      // require every message to be signed.
      return new ApprovalPolicy(false, List.of(), 0, null, null, null, null, null, null, spec.emergencyGroup(),
          spec.signedActions(), tokenLifetime(where, spec.maxTokenLifetime(), problems));
    }
    List<String> approvers = spec.approvers() == null ? List.of() : spec.approvers();
    List<String> groups = spec.groups() == null ? List.of() : spec.groups();
    if ((approvers.isEmpty() && groups.isEmpty())
        || approvers.stream().anyMatch(ReleaseSpecLoader::blank)
        || groups.stream().anyMatch(ReleaseSpecLoader::blank)) {
      problems.add(where + ": field 'approval' must say who may approve: `approvers: [alice, bob]` and/or"
          + " `groups: [release-managers]`");
      return null;
    }
    int min = spec.minApprovals() == null ? 1 : spec.minApprovals();
    if (min < 1 || (groups.isEmpty() && min > approvers.size())) {
      problems.add(where + ": field 'approval.minApprovals' is " + min + "; it must be at least 1"
          + (groups.isEmpty() ? " and at most the number of approvers (" + approvers.size() + ")" : ""));
    }
    checkRange(where, "approval.timeoutHours", spec.timeoutHours(), 1, 24 * 90, problems);
    checkRange(where, "approval.expiresAfterHours", spec.expiresAfterHours(), 1, 24 * 90, problems);
    checkRange(where, "approval.escalateAfterHours", spec.escalateAfterHours(), 1, 24 * 90, problems);
    int timeout = spec.timeoutHours() == null ? 72 : spec.timeoutHours();
    if (spec.escalateAfterHours() != null && spec.escalateAfterHours() >= timeout) {
      problems.add(where + ": field 'approval.escalateAfterHours' (" + spec.escalateAfterHours()
          + ") must be less than approval.timeoutHours (" + timeout + ")");
    }
    if (spec.escalationGroup() != null && spec.escalateAfterHours() == null) {
      problems.add(where + ": field 'approval.escalationGroup' needs approval.escalateAfterHours");
    }
    // Signed is the default wherever an approval is required: a typed name is not an identity. Only an
    // explicit `signedApprovals: false` in policy keeps plain (claimed-name) approvals.
    Boolean signed = spec.signedApprovals() == null ? Boolean.TRUE : spec.signedApprovals();
    return new ApprovalPolicy(true, List.copyOf(approvers), min, spec.timeoutHours(), List.copyOf(groups),
        spec.expiresAfterHours(), spec.escalateAfterHours(), spec.escalationGroup(), signed,
        spec.emergencyGroup(), spec.signedActions(), tokenLifetime(where, spec.maxTokenLifetime(), problems));
  }

  /** {@code approval.maxTokenLifetime}: an ISO-8601 duration (PT30M), at most PT1H; null: the default 1 h. */
  private static Integer tokenLifetime(String where, String value, List<String> problems) {
    if (value == null) {
      return null;
    }
    java.time.Duration lifetime;
    try {
      lifetime = java.time.Duration.parse(value.trim());
    } catch (java.time.format.DateTimeParseException e) {
      problems.add(where + ": field 'approval.maxTokenLifetime' must be an ISO-8601 duration like PT30M");
      return null;
    }
    if (lifetime.getSeconds() < 60 || lifetime.getSeconds() > dev.gantry.workflows.api.ActorTokens.DEFAULT_MAX_LIFETIME_SECONDS) {
      problems.add(where + ": field 'approval.maxTokenLifetime' is " + lifetime + "; allowed PT1M..PT1H"
          + " (a signed token is good for one message, soon)");
      return null;
    }
    return (int) lifetime.getSeconds();
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
    ReleaseSpecFile file = read(spec, ReleaseSpecFile.class, problems);
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
      if (env == null || !NAME.matcher(env).matches()) {
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
    ReleaseSpecFile file = read(specFile.toAbsolutePath().normalize(), ReleaseSpecFile.class, problems);
    if (file == null || file.application() == null) {
      problems.add(specFile + ": field 'application' is missing");
      throw new SpecException(problems);
    }
    return file.application();
  }

  /** One YAML file of a policy or spec, checked the same way (size, unknown fields, empty items). */
  <T> T readFile(Path file, Class<T> type, List<String> problems) {
    return read(file, type, problems);
  }

  /** One environment config, resolved relative to {@code base} (the policy directory). */
  EnvironmentPlan environmentPlan(String name, String where, Path base, EnvironmentConfigFile env,
      List<String> problems) {
    return environment(name, where, base, env, problems);
  }

  /**
   * No spec file is anywhere near this; a bigger one is refused before parsing (SnakeYAML scans a
   * multi-megabyte scalar in quadratic time: a 4 MB value took 13 s to refuse).
   */
  static final long MAX_FILE_BYTES = 256 * 1024;

  private <T> T read(Path file, Class<T> type, List<String> problems) {
    try {
      long size = Files.size(file);
      if (size > MAX_FILE_BYTES) {
        problems.add(file + ": the file has " + size + " bytes; a release spec or environment config has at"
            + " most " + MAX_FILE_BYTES + " (is it the right file?)");
        return null;
      }
      T value = yaml.readValue(file.toFile(), type);
      if (value == null) {
        problems.add(file + ": the file is empty");
      }
      return value;
    } catch (UnrecognizedPropertyException e) {
      problems.add(file + lineOf(file, e.getPropertyName(), e.getLocation()) + ": unknown field '"
          + e.getPropertyName()
          + "'; known fields here: " + e.getKnownPropertyIds().stream().map(String::valueOf)
              .sorted().collect(Collectors.joining(", ")));
    } catch (InvalidNullException e) {
      problems.add(file + at(e.getLocation()) + ": field '" + path(e) + "' is empty: remove the empty item"
          + " or give it a value");
    } catch (JsonMappingException e) {
      problems.add(file + at(e.getLocation()) + ": field '" + path(e) + "' has the wrong type: "
          + e.getOriginalMessage().split("\n")[0]);
    } catch (JsonProcessingException e) {
      problems.add(file + at(e.getLocation()) + ": not valid YAML: " + e.getOriginalMessage());
    } catch (IOException e) {
      problems.add(file + ": cannot read: " + e.getMessage());
    }
    return null;
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining(".")).replace(".[", "[");
  }

  /**
   * Jackson buffers record properties, so its location for an unknown one is often the end of the
   * document: the first line that declares the key is what a person needs.
   */
  private static String lineOf(Path file, String key, JsonLocation fallback) {
    try {
      List<String> lines = Files.readAllLines(file);
      Pattern declaration = Pattern.compile("^[\\s-]*\"?" + Pattern.quote(key) + "\"?\\s*:.*");
      for (int i = 0; i < lines.size(); i++) {
        if (declaration.matcher(lines.get(i)).matches()) {
          return ":" + (i + 1);
        }
      }
    } catch (IOException e) {
      // fall back to Jackson's idea of the location
    }
    return at(fallback);
  }

  private static String at(JsonLocation location) {
    return location == null || location.getLineNr() < 1 ? "" : ":" + location.getLineNr();
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

  static void checkRange(String where, String field, Integer value, int min, int max,
      List<String> problems) {
    if (value != null && (value < min || value > max)) {
      problems.add(where + ": field '" + field + "' is " + value + "; allowed " + min + ".." + max);
    }
  }

  private static void require(boolean ok, List<String> problems, String problem) {
    if (!ok) {
      problems.add(problem);
    }
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }

  private static String firstNonBlank(String first, String second) {
    return !blank(first) ? first : blank(second) ? null : second;
  }

  private static String quoted(String value) {
    return value == null ? "nothing" : "'" + value + "'";
  }
}
