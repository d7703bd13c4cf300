package dev.gantry.starter.spec;

import dev.gantry.workflows.api.artifact.Sha256;
import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.input.Names;
import dev.gantry.workflows.api.policy.PolicyStamp;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.signing.KeylessPolicy;
import dev.gantry.workflows.api.signing.SigningPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Reads the platform's policy directory ({@code gantry.policy.path}):
 * <pre>
 * policy.yaml                        roots, approvers, signing, applications
 * approvers.yaml                     who is in which group (named by policy.yaml)
 * environments/&lt;env&gt;/config.yaml    gates, target, health check, rollout, verification of each environment
 * </pre>
 * Relative paths are relative to the directory. Everything is checked when it is read, and every problem
 * is reported with its file and field: a worker with a broken policy does not start.
 */
public final class PolicyDirectory {
  public static final String POLICY_FILE = "policy.yaml";
  /** A policy directory holds text files a team reviews; anything bigger is not one. */
  static final long MAX_DIRECTORY_BYTES = 16L * 1024 * 1024;

  private final ReleaseSpecLoader files = new ReleaseSpecLoader();

  public Policy load(Path directory) {
    return read(directory, new ArrayList<>());
  }

  /**
   * The policy as an operator's checkout shows it, for commands that only read an environment's settings
   * ({@code gantry region|env|flags}): files that live on the worker (the signing key, trusted keys, reports)
   * need not exist here.
   */
  public Policy loadForReading(Path directory) {
    return read(directory, new ProblemsExceptMissingFiles());
  }

  /** A problem list that lets "field 'x': <file> does not exist" go by. */
  private static final class ProblemsExceptMissingFiles extends ArrayList<String> {
    private static final java.util.regex.Pattern MISSING_FILE =
        java.util.regex.Pattern.compile(".*: field '[^']+': .* does not exist.*", java.util.regex.Pattern.DOTALL);

    @Override
    public boolean add(String problem) {
      return !MISSING_FILE.matcher(problem).matches() && super.add(problem);
    }
  }

  /**
   * With {@code signing.keyless} in policy.yaml, an environment may verify without a trusted keys file (then
   * only keyless signatures pass): its missing {@code verification.trustedKeys} is no problem.
   */
  private static final class ProblemsExceptMissingTrustedKeys extends ArrayList<String> {
    private final List<String> problems;

    ProblemsExceptMissingTrustedKeys(List<String> problems) {
      this.problems = problems;
    }

    @Override
    public boolean add(String problem) {
      // kept here too: the environment reader counts its own problems by this list's size
      return !problem.endsWith(": field 'verification.trustedKeys' is missing") && problems.add(problem)
          && super.add(problem);
    }
  }

  private Policy read(Path directory, List<String> problems) {
    // A deployment that swaps a symlink to the current checkout is read through the link, whole.
    Path dir = realPathOfExistingPrefix(directory);
    Path policyFile = dir.resolve(POLICY_FILE);
    if (!Files.isRegularFile(policyFile)) {
      throw new SpecException("the platform policy", List.of(policyFile + " does not exist: gantry.policy.path must name the platform's"
          + " policy directory (the folder of policy.yaml; examples/policy is the example)"));
    }
    PolicyFile file = files.readFile(policyFile, PolicyFile.class, problems);
    if (file == null) {
      throw new SpecException("the platform policy", new ArrayList<>(problems));
    }
    String where = POLICY_FILE;
    PolicyFile.RootsSpec roots = file.roots() == null ? new PolicyFile.RootsSpec(null, null, null, null) : file.roots();
    List<Path> artifactRoots = roots(where, "roots.artifacts", dir, roots.artifacts(), false, problems);
    // a target root that does not exist yet is fine: the local target makes it on its first deploy
    List<Path> targetRoots = roots(where, "roots.targets", dir, roots.targets(), true, problems);
    // credential folders live on the worker: an operator's checkout need not have them
    List<Path> credentialRoots = roots(where, "roots.credentials", dir, roots.credentials(), true, problems);
    List<String> images = roots.images() == null ? List.of() : List.copyOf(roots.images());
    for (String image : images) {
      if (image.isBlank() || image.contains("@") || image.chars().anyMatch(c -> c <= ' ' || c > '~')) {
        problems.add(where + ": field 'roots.images' has " + Names.shown(image)
            + ": use repository prefixes like registry.example.com/team/");
      }
    }
    String approvers = file.approvers() == null ? null
        : GateSections.existing(where, "approvers", dir, file.approvers(), problems);
    SigningPolicy signing = SigningSections.signing(where, dir, file.signing(), problems);
    KeylessPolicy keyless = SigningSections.keyless(where, dir, file.signing(), problems);
    Map<String, Policy.Application> applications = new LinkedHashMap<>();
    if (file.applications() == null || file.applications().isEmpty()) {
      problems.add(where + ": field 'applications' is missing: name each application the platform releases,"
          + " with its promotion path, e.g. `applications: {hello-service: {promotion: [dev, staging, production]}}`");
    } else {
      file.applications().forEach((name, spec) -> {
        Policy.Application application = application(dir, name, spec, approvers, targetRoots, credentialRoots, keyless, problems);
        if (application != null) {
          applications.put(name, application);
        }
      });
    }
    if (!problems.isEmpty()) {
      throw new SpecException("the platform policy", new ArrayList<>(problems));
    }
    PolicyStamp stamp = new PolicyStamp(dir.toString(), digest(dir), gitCommit(dir));
    return new Policy(stamp, artifactRoots, targetRoots, images, approvers, signing, Map.copyOf(applications));
  }

  private Policy.Application application(Path dir, String name, PolicyFile.ApplicationSpec spec, String approvers,
      List<Path> targetRoots, List<Path> credentialRoots, KeylessPolicy keyless, List<String> problems) {
    String where = POLICY_FILE + ": applications." + name;
    if (!Names.isName(name)) {
      problems.add(POLICY_FILE + ": field 'applications' has " + Names.shown(name)
          + ": application names are lowercase, like hello-service");
      return null;
    }
    if (spec == null || spec.promotion() == null || spec.promotion().isEmpty()) {
      problems.add(where + ": field 'promotion' is missing: the environments in order, e.g. [dev, staging, production]");
      return null;
    }
    List<String> owners = spec.owners() == null ? List.of() : List.copyOf(spec.owners());
    owners.stream().filter(owner -> !Names.isPerson(owner)).forEach(owner ->
        problems.add(where + ": field 'owners' has " + Names.shown(owner) + ": a person's handle, like dana"));
    String folder = spec.environments() == null ? "environments" : spec.environments();
    Path environmentsDir = dir.resolve(folder).normalize();
    if (!environmentsDir.startsWith(dir)) {
      problems.add(where + ": field 'environments' must be a folder inside the policy directory");
      return null;
    }
    Map<String, EnvironmentPlan> environments = new LinkedHashMap<>();
    for (String env : spec.promotion()) {
      if (!Names.isName(env)) {
        problems.add(where + ": field 'promotion' has " + Names.shown(env) + ": environment names are lowercase,"
            + " like staging");
        continue;
      }
      if (environments.containsKey(env)) {
        problems.add(where + ": field 'promotion' lists " + env + " twice");
        continue;
      }
      Path config = environmentsDir.resolve(env).resolve("config.yaml");
      String configWhere = dir.relativize(config).toString();
      if (!Files.isRegularFile(config)) {
        problems.add(where + ": environment '" + env + "' has no config: create " + configWhere);
        continue;
      }
      EnvironmentConfigFile envFile = files.readFile(config, EnvironmentConfigFile.class, problems);
      EnvironmentPlan plan = envFile == null ? null
          : files.environmentPlan(env, configWhere, dir, envFile,
              keyless == null ? problems : new ProblemsExceptMissingTrustedKeys(problems));
      if (plan == null) {
        continue;
      }
      if (keyless != null && plan.verification() != null && plan.verification().required()) {
        // the platform's keyless trust applies to every environment that verifies signatures
        plan = plan.withVerification(plan.verification().withKeyless(keyless));
      }
      checkTargetConfined(configWhere, plan, targetRoots, problems);
      checkCredentialsConfined(configWhere, plan, credentialRoots, problems);
      if (Boolean.TRUE.equals(spec.signedActions())) {
        plan = signingEverything(plan);
      }
      if (approvers == null && plan.approval() != null && plan.approval().signsEverything()) {
        problems.add(configWhere + ": signed actions need field 'approvers' in " + POLICY_FILE
            + " (the directory that holds each actor's publicKey)");
      }
      if (approvers == null && plan.needsApproval()
          && (!plan.approval().groupsOrEmpty().isEmpty() || plan.approval().signed())) {
        problems.add(configWhere + ": names approval groups or signed approvals, which need field 'approvers'"
            + " in " + POLICY_FILE + " (e.g. `approvers: approvers.yaml`)");
      }
      environments.put(env, plan);
    }
    return new Policy.Application(name, owners, List.copyOf(spec.promotion()), environments, spec.source(), folder);
  }

  /** The application's {@code signedActions: true}: every environment requires signed messages. */
  private static EnvironmentPlan signingEverything(EnvironmentPlan env) {
    dev.gantry.workflows.api.approval.ApprovalPolicy a = env.approval() == null
        ? dev.gantry.workflows.api.approval.ApprovalPolicy.none() : env.approval();
    dev.gantry.workflows.api.approval.ApprovalPolicy signed = new dev.gantry.workflows.api.approval.ApprovalPolicy(a.required(),
        a.approvers(), a.minApprovals(), a.timeoutHours(), a.groups(), a.expiresAfterHours(),
        a.escalateAfterHours(), a.escalationGroup(), a.signedApprovals(), a.emergencyGroup(), Boolean.TRUE,
        a.maxTokenLifetimeSeconds());
    // toBuilder keeps every other section (concurrency too, which a positional copy used to drop)
    return env.toBuilder().approval(signed).build();
  }

  private static void checkTargetConfined(String where, EnvironmentPlan plan, List<Path> targetRoots,
      List<String> problems) {
    DeployTarget target = plan.target();
    if (target == null || !DeployTarget.LOCAL.equals(target.type())) {
      return;
    }
    Path root = realPathOfExistingPrefix(Path.of(target.root()));
    if (targetRoots.stream().noneMatch(root::startsWith)) {
      problems.add(where + ": field 'target.root' (" + target.root() + ") is outside every folder of 'roots.targets'"
          + " in " + POLICY_FILE + ": add its parent there, or move the target");
    }
  }

  /** A kubernetes target's CA, token and certificate files: only inside {@code roots.credentials}. */
  private static void checkCredentialsConfined(String where, EnvironmentPlan plan, List<Path> credentialRoots,
      List<String> problems) {
    DeployTarget target = plan.target();
    if (target == null || target.kubernetes() == null) {
      return;
    }
    for (String file : KubernetesSection.files(target.kubernetes())) {
      Path real = realPathOfExistingPrefix(Path.of(file));
      if (credentialRoots.stream().noneMatch(root -> real.startsWith(root) && !real.equals(root))) {
        problems.add(where + ": field 'target.kubernetes' names " + file + ", which is outside every folder of"
            + " 'roots.credentials' in " + POLICY_FILE + ": add its folder there (e.g. `credentials:"
            + " [/etc/gantry/kubernetes]`), or move the file");
      }
    }
  }

  private static List<Path> roots(String where, String field, Path dir, List<String> declared, boolean mayNotExistYet,
      List<String> problems) {
    List<Path> roots = new ArrayList<>();
    for (String root : declared == null ? List.<String>of() : declared) {
      Path path = dir.resolve(root).normalize();
      if (Files.isDirectory(path) || (mayNotExistYet && !Files.exists(path))) {
        roots.add(realPathOfExistingPrefix(path));
      } else {
        problems.add(where + ": field '" + field + "': " + path + " is not a folder");
      }
    }
    return List.copyOf(roots);
  }

  /** The real path of a path that may not exist yet: its longest existing prefix resolved, the rest appended. */
  static Path realPathOfExistingPrefix(Path path) {
    Path absolute = path.toAbsolutePath().normalize();
    Path existing = absolute;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return absolute;
    }
    try {
      return existing.toRealPath().resolve(existing.relativize(absolute)).normalize();
    } catch (IOException e) {
      return absolute;
    }
  }

  /** sha256 over every file's relative name and bytes, in name order; {@code .git} is not policy. */
  static String digest(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      List<Path> regularFiles = walk
          .filter(path -> !dir.relativize(path).toString().startsWith(".git"))
          .filter(Files::isRegularFile)
          .sorted()
          .toList();
      MessageDigest sha256 = Sha256.newDigest();
      long total = 0;
      for (Path file : regularFiles) {
        sha256.update(dir.relativize(file).toString().getBytes(StandardCharsets.UTF_8));
        sha256.update((byte) 0);
        try (InputStream in = Files.newInputStream(file)) {
          byte[] buffer = new byte[8192];
          for (int read; (read = in.read(buffer)) > 0; ) {
            total += read;
            if (total > MAX_DIRECTORY_BYTES) {
              throw new SpecException(List.of(dir + ": the policy directory holds more than "
                  + MAX_DIRECTORY_BYTES / (1024 * 1024) + " MiB: is gantry.policy.path the right folder?"));
            }
            sha256.update(buffer, 0, read);
          }
        }
        sha256.update((byte) 0);
      }
      return Sha256.tagged(sha256);
    } catch (IOException e) {
      throw new SpecException(List.of(dir + ": cannot read the policy directory (" + e.getClass().getSimpleName() + ")"));
    }
  }

  /**
   * The git commit of the checkout the directory is in, with "-dirty" when files under it differ from that
   * commit; null when it is not a checkout (or git is not installed).
   */
  static String gitCommit(Path dir) {
    String head = git(dir, "rev-parse", "HEAD");
    if (head == null || !head.matches("[0-9a-f]{40}")) {
      return null;
    }
    String changes = git(dir, "status", "--porcelain", "--", ".");
    return changes == null || changes.isEmpty() ? head : head + "-dirty";
  }

  private static String git(Path dir, String... args) {
    // a repository's own config could make `git status` run a program (core.fsmonitor): never here
    List<String> command = new ArrayList<>(List.of("git", "-c", "core.fsmonitor=false", "-c",
        "core.untrackedCache=false", "-C", dir.toString()));
    command.addAll(List.of(args));
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().keySet().removeIf(name -> name.startsWith("GIT_"));
      Process process = builder.start();
      process.getOutputStream().close();
      byte[] out = process.getInputStream().readNBytes(64 * 1024);
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return null;
      }
      return process.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8).trim() : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
