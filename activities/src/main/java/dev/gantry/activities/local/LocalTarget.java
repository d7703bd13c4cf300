package dev.gantry.activities.local;

import static dev.gantry.activities.local.RegionFolders.CURRENT;
import static dev.gantry.activities.local.RegionFolders.FLIPPED_BY_MARKER;
import static dev.gantry.activities.local.RegionFolders.PREVIOUS_MARKER;
import static dev.gantry.activities.local.RegionFolders.createOwnedFolders;
import static dev.gantry.activities.local.RegionFolders.pointCurrentAt;
import static dev.gantry.activities.local.RegionFolders.readMarker;
import static dev.gantry.activities.local.RegionFolders.readPrevious;
import static dev.gantry.activities.local.RegionFolders.versionDir;
import static dev.gantry.activities.local.RegionFolders.writeAtomically;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.gantry.activities.deploy.DeployedRecord;
import dev.gantry.activities.deploy.TargetAdapter;
import dev.gantry.activities.deploy.TrafficAdapter;
import dev.gantry.activities.support.BoundedFiles;
import dev.gantry.activities.support.ConfinedPaths;
import dev.gantry.activities.support.JsonFiles;
import dev.gantry.activities.support.OwnedFolders;
import dev.gantry.activities.support.ValidNames;
import dev.gantry.workflows.api.rollout.WeightRequest;
import dev.gantry.workflows.api.rollout.WeightResult;
import dev.gantry.workflows.api.deploy.DeployRequest;
import dev.gantry.workflows.api.deploy.DeployResult;
import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.temporal.Failures;
import dev.gantry.workflows.api.deploy.HealthCheckRequest;
import dev.gantry.workflows.api.deploy.HealthCheckResult;
import dev.gantry.workflows.api.input.Names;
import dev.gantry.workflows.api.deploy.RecordDeploymentRequest;
import dev.gantry.workflows.api.deploy.RecordDeploymentResult;
import dev.gantry.workflows.api.deploy.RollbackRequest;
import dev.gantry.workflows.api.deploy.RollbackResult;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code local} target: each region is a folder {@code <root>/<env>/<region>/} holding
 * {@code releases/<version>/<artifact>} and a {@code current} symbolic link to the live version, flipped
 * atomically. Each version folder remembers what was current before it ({@code .previous}), so a
 * retried deploy returns the same answer and a rollback knows where to go back to.
 *
 * <p>Every name that becomes a folder (environment, region, version) is checked against {@link Names}
 * and the folder against the root ({@link ConfinedPaths}): a hostile name cannot reach outside
 * {@code target.root}. The target deletes only what it made: a version folder holds
 * {@code .gantry-deploy.json}, environment and region folders hold a marker written when the target or
 * the environment store created them.
 */
public class LocalTarget implements TargetAdapter, TrafficAdapter {
  private static final Logger log = LoggerFactory.getLogger(LocalTarget.class);
  /** Marks an environment folder the worker created (and so may delete when the environment retires). */
  public static final String ENVIRONMENT_MARKER = ".gantry-environment";
  /** Marks a region folder the worker created (and so may delete with the region's stack). */
  public static final String REGION_MARKER = ".gantry-region";
  private static final long MAX_ROUTING_BYTES = 64 * BoundedFiles.KIB;
  /** The traffic split of a region: {@code {"stable": "1.3.0", "canary": "1.4.0", "canaryWeight": 25}}. */
  public static final String ROUTING = "routing.json";

  /** What {@code routing.json} holds; canary null when all traffic goes to stable. */
  public record Routing(String stable, String canary, int canaryWeight) {}

  private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private final HealthChecker healthChecker;
  private final Clock clock;
  private final VersionInstaller installer;

  public LocalTarget(HealthChecker healthChecker, Clock clock) {
    this.healthChecker = healthChecker;
    this.clock = clock;
    this.installer = new VersionInstaller(json, clock);
  }

  @Override
  public String type() {
    return DeployTarget.LOCAL;
  }

  @Override
  public DeployResult deploy(DeployRequest request) {
    return install(request, false);
  }

  /**
   * The dark launch: the version is installed beside the live one and {@code routing.json} names it as
   * the canary at 0%; {@code current} does not move until {@link #setWeight} reaches 100.
   */
  @Override
  public DeployResult deployDark(DeployRequest request) {
    return install(request, true);
  }

  @Override
  public HealthCheckResult smokeCheck(HealthCheckRequest request) {
    Path regionDir = regionDir(request.target(), request.environment(), request.region());
    Path versionDir = versionDir(regionDir, request.version());
    if (!Files.isDirectory(versionDir)) {
      throw ApplicationFailure.newNonRetryableFailure(request.version() + " is not installed in " + regionDir,
          Failures.REGION_FAILED);
    }
    // The check runs against the new version itself, which no user reaches yet.
    Map<String, String> env = checkEnvironment(request, regionDir, versionDir);
    env.put("GANTRY_DARK", "true");
    return healthChecker.check(request.healthCheck(), regionDir, env);
  }

  @Override
  public WeightResult setWeight(WeightRequest request) {
    Path regionDir = regionDir(request.target(), request.environment(), request.region());
    Path versionDir = versionDir(regionDir, request.version());
    if (!Files.isDirectory(versionDir)) {
      throw ApplicationFailure.newNonRetryableFailure("cannot send traffic to " + request.version() + " in "
          + request.region() + ": it is not installed (" + versionDir + ")", Failures.REGION_FAILED);
    }
    String current = currentVersion(regionDir);
    try {
      if (request.weight() >= 100) {
        if (!request.version().equals(current)) {
          Files.writeString(versionDir.resolve(FLIPPED_BY_MARKER), request.releaseId());
          pointCurrentAt(regionDir, request.version());
        }
        writeRouting(regionDir, new Routing(request.version(), null, 0));
        return new WeightResult(100, request.version(), regionDir.resolve(ROUTING).toString());
      }
      if (request.version().equals(current)) {
        return new WeightResult(100, current, request.version() + " is already current in " + regionDir);
      }
      writeRouting(regionDir, new Routing(current, request.version(), request.weight()));
      log.info("traffic release={} env={} region={} canary={} weight={} stable={}", request.releaseId(),
          request.environment(), request.region(), request.version(), request.weight(), current);
      return new WeightResult(request.weight(), current, regionDir.resolve(ROUTING).toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot shift traffic in " + regionDir + ": " + e.getMessage(), e);
    }
  }

  /** The region's routing file, or null when it has none (never rolled out progressively). */
  public Routing routing(Path regionDir) {
    return JsonFiles.readIfPresent(json, regionDir.resolve(ROUTING), MAX_ROUTING_BYTES, Routing.class,
        Failures.UNSUPPORTED_TARGET);
  }

  private void writeRouting(Path regionDir, Routing routing) throws IOException {
    writeAtomically(regionDir.resolve(ROUTING), json.writeValueAsBytes(routing));
  }

  private DeployResult install(DeployRequest request, boolean dark) {
    if (!request.artifact().isFile()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "the local target deploys files; artifact '" + request.artifact().location() + "' is of kind '"
              + request.artifact().kind() + "'", Failures.UNSUPPORTED_TARGET);
    }
    Path regionDir = regionDir(request.target(), request.environment(), request.region());
    Path versionDir = versionDir(regionDir, request.version());
    Path source = Path.of(request.artifact().location());
    VersionInstaller.requireDigest(source, request.artifact().digest());
    afterSourceChecked(source);
    try {
      createOwnedFolders(request.target(), request.environment(), regionDir);
      installer.ensureVersionInstalled(source, versionDir, request);
      String current = currentVersion(regionDir);
      if (request.version().equals(current)) {
        // A retry of our own flip is still our change (a rollback must undo it); a version some earlier
        // release made current is not.
        boolean ours = request.releaseId().equals(readMarker(versionDir.resolve(FLIPPED_BY_MARKER)));
        return new DeployResult(readPrevious(versionDir), !ours, versionDir.toString());
      }
      Files.writeString(versionDir.resolve(PREVIOUS_MARKER), current == null ? "" : current);
      if (dark) {
        writeRouting(regionDir, new Routing(current, request.version(), 0));
        log.info("dark launch release={} env={} region={} version={} stable={}", request.releaseId(),
            request.environment(), request.region(), request.version(), current);
        return new DeployResult(current, false, versionDir + " (0% of the traffic)");
      }
      Files.writeString(versionDir.resolve(FLIPPED_BY_MARKER), request.releaseId());
      pointCurrentAt(regionDir, request.version());
      if (Files.exists(regionDir.resolve(ROUTING))) {
        writeRouting(regionDir, new Routing(request.version(), null, 0));
      }
      log.info("deployed release={} env={} region={} version={} previous={}", request.releaseId(),
          request.environment(), request.region(), request.version(), current);
      return new DeployResult(current, false, versionDir.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("deploy to " + versionDir + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public HealthCheckResult checkHealth(HealthCheckRequest request) {
    Path regionDir = regionDir(request.target(), request.environment(), request.region());
    String current = currentVersion(regionDir);
    if (!request.version().equals(current)) {
      throw ApplicationFailure.newFailure(request.region() + " runs " + current + ", expected "
          + request.version(), Failures.UNHEALTHY);
    }
    Map<String, String> env = checkEnvironment(request, regionDir, regionDir.resolve(CURRENT));
    return healthChecker.check(request.healthCheck(), regionDir, env);
  }

  /** The GANTRY_* variables a check gets: the documented ones, from names already checked. */
  private static Map<String, String> checkEnvironment(HealthCheckRequest request, Path regionDir, Path currentDir) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("GANTRY_APPLICATION", ValidNames.name("application", request.application()));
    env.put("GANTRY_VERSION", request.version());
    env.put("GANTRY_ENVIRONMENT", request.environment());
    env.put("GANTRY_REGION", request.region());
    env.put("GANTRY_REGION_DIR", regionDir.toString());
    env.put("GANTRY_CURRENT_DIR", currentDir.toString());
    return env;
  }

  @Override
  public RollbackResult rollback(RollbackRequest request) {
    Path regionDir = regionDir(request.target(), request.environment(), request.region());
    String current = currentVersion(regionDir);
    Routing routing = routing(regionDir);
    if (routing != null && request.version().equals(routing.canary()) && !request.version().equals(current)) {
      // A canary in progress: all traffic back to the stable version, which never stopped being current.
      try {
        writeRouting(regionDir, new Routing(current, null, 0));
      } catch (IOException e) {
        throw new UncheckedIOException("rollback of " + regionDir + " failed: " + e.getMessage(), e);
      }
      log.warn("canary rolled back release={} env={} region={} canary={} weight={} stable={} reason={}",
          request.releaseId(), request.environment(), request.region(), request.version(),
          routing.canaryWeight(), current, request.reason());
      return new RollbackResult(true, current);
    }
    if (!request.version().equals(current)) {
      return new RollbackResult(false, current);
    }
    Path versionDir = versionDir(regionDir, request.version());
    String previous = readPrevious(versionDir);
    try {
      if (previous == null) {
        Files.deleteIfExists(regionDir.resolve(CURRENT)); // the link itself, never what it points at
      } else {
        Path previousDir = versionDir(regionDir, previous);
        if (!Files.isDirectory(previousDir)) {
          throw ApplicationFailure.newNonRetryableFailure("cannot roll back " + request.region()
              + " to " + previous + ": " + previousDir + " is gone", Failures.UNSUPPORTED_TARGET);
        }
        pointCurrentAt(regionDir, previous);
      }
      if (routing != null) {
        writeRouting(regionDir, new Routing(previous, null, 0));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("rollback of " + regionDir + " failed: " + e.getMessage(), e);
    }
    log.warn("rolled back release={} env={} region={} from={} to={} reason={}", request.releaseId(),
        request.environment(), request.region(), request.version(), previous, request.reason());
    return new RollbackResult(true, previous);
  }

  @Override
  public RecordDeploymentResult recordDeployment(RecordDeploymentRequest request) {
    Path envDir = environmentDir(request.target(), request.environment());
    Path record = envDir.resolve("deployed.json");
    Map<String, Object> body = DeployedRecord.of(request, clock);
    try {
      OwnedFolders.create(envDir, ENVIRONMENT_MARKER);
      writeAtomically(record, json.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + record + ": " + e.getMessage(), e);
    }
    return new RecordDeploymentResult(record.toString());
  }

  /** The version {@code current} points at in a region, or null if nothing was ever deployed there. */
  public String currentVersion(Path regionDir) {
    return RegionFolders.currentVersion(regionDir);
  }

  /**
   * The version a region's {@code current} link names, or null when the link does not point at
   * {@code releases/<version>} (Gantry did not set it; it is never followed).
   */
  public static String linkedVersion(Path current) {
    return RegionFolders.linkedVersion(current);
  }

  /** {@code <root>/<environment>/<region>}, refused unless both are names and it stays inside the root. */
  public static Path regionDir(DeployTarget target, String environment, String region) {
    return RegionFolders.regionDir(target, environment, region);
  }

  /** {@code <root>/<environment>}, refused unless the environment is a name. */
  public static Path environmentDir(DeployTarget target, String environment) {
    return RegionFolders.environmentDir(target, environment);
  }

  /**
   * Called between the check of the source's digest and its copy; does nothing. Tests override it to
   * change the file in that window, as a concurrent writer could.
   */
  void afterSourceChecked(Path source) {}
}
