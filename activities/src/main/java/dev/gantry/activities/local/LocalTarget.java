package dev.gantry.activities.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.gantry.activities.deploy.TargetAdapter;
import dev.gantry.activities.deploy.TrafficAdapter;
import dev.gantry.workflows.api.rollout.WeightRequest;
import dev.gantry.workflows.api.rollout.WeightResult;
import dev.gantry.workflows.api.DeployRequest;
import dev.gantry.workflows.api.DeployResult;
import dev.gantry.workflows.api.DeployTarget;
import dev.gantry.workflows.api.Failures;
import dev.gantry.workflows.api.HealthCheckRequest;
import dev.gantry.workflows.api.HealthCheckResult;
import dev.gantry.workflows.api.RecordDeploymentRequest;
import dev.gantry.workflows.api.RecordDeploymentResult;
import dev.gantry.workflows.api.RollbackRequest;
import dev.gantry.workflows.api.RollbackResult;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code local} target: each region is a folder {@code <root>/<env>/<region>/} holding
 * {@code releases/<version>/<artifact>} and a {@code current} symbolic link to the live version, flipped
 * atomically. Each version folder remembers what was current before it ({@code .previous}), so a
 * retried deploy returns the same answer and a rollback knows where to go back to.
 */
public class LocalTarget implements TargetAdapter, TrafficAdapter {
  private static final Logger log = LoggerFactory.getLogger(LocalTarget.class);
  static final String CURRENT = "current";
  static final String RELEASES = "releases";
  static final String PREVIOUS_MARKER = ".previous";
  static final String FLIPPED_BY_MARKER = ".flipped-by";
  static final String DEPLOY_RECORD = ".gantry-deploy.json";
  /** The traffic split of a region: {@code {"stable": "1.3.0", "canary": "1.4.0", "canaryWeight": 25}}. */
  public static final String ROUTING = "routing.json";

  /** What {@code routing.json} holds; canary null when all traffic goes to stable. */
  public record Routing(String stable, String canary, int canaryWeight) {}

  private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private final HealthChecker healthChecker;
  private final Clock clock;

  public LocalTarget(HealthChecker healthChecker, Clock clock) {
    this.healthChecker = healthChecker;
    this.clock = clock;
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
    Path versionDir = regionDir.resolve(RELEASES).resolve(request.version());
    if (!Files.isDirectory(versionDir)) {
      throw ApplicationFailure.newNonRetryableFailure(request.version() + " is not installed in " + regionDir,
          Failures.REGION_FAILED);
    }
    Map<String, String> env = new LinkedHashMap<>();
    env.put("GANTRY_APPLICATION", request.application());
    env.put("GANTRY_VERSION", request.version());
    env.put("GANTRY_ENVIRONMENT", request.environment());
    env.put("GANTRY_REGION", request.region());
    env.put("GANTRY_REGION_DIR", regionDir.toString());
    // The check runs against the new version itself, which no user reaches yet.
    env.put("GANTRY_CURRENT_DIR", versionDir.toString());
    env.put("GANTRY_DARK", "true");
    return healthChecker.check(request.healthCheck(), regionDir, env);
  }

  @Override
  public WeightResult setWeight(WeightRequest request) {
    Path regionDir = regionDir(request.target(), request.environment(), request.region());
    Path versionDir = regionDir.resolve(RELEASES).resolve(request.version());
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
    Path file = regionDir.resolve(ROUTING);
    try {
      return Files.exists(file) ? json.readValue(file.toFile(), Routing.class) : null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
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
    Path source = Path.of(request.artifact().location());
    String actual = digestOf(source);
    if (!actual.equals(request.artifact().digest())) {
      throw ApplicationFailure.newNonRetryableFailure(
          "artifact " + source + " has digest " + actual + " but the release was started with "
              + request.artifact().digest() + ": the file changed after the release started; refusing to"
              + " deploy it (start a new release for the new bytes)",
          Failures.ARTIFACT_DIGEST_MISMATCH);
    }
    Path regionDir = regionDir(request.target(), request.environment(), request.region());
    Path versionDir = regionDir.resolve(RELEASES).resolve(request.version());
    try {
      ensureVersionInstalled(source, versionDir, request);
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
    Map<String, String> env = new LinkedHashMap<>();
    env.put("GANTRY_APPLICATION", request.application());
    env.put("GANTRY_VERSION", request.version());
    env.put("GANTRY_ENVIRONMENT", request.environment());
    env.put("GANTRY_REGION", request.region());
    env.put("GANTRY_REGION_DIR", regionDir.toString());
    env.put("GANTRY_CURRENT_DIR", regionDir.resolve(CURRENT).toString());
    return healthChecker.check(request.healthCheck(), regionDir, env);
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
    Path versionDir = regionDir.resolve(RELEASES).resolve(request.version());
    String previous = readPrevious(versionDir);
    try {
      if (previous == null) {
        Files.deleteIfExists(regionDir.resolve(CURRENT));
      } else {
        if (!Files.isDirectory(regionDir.resolve(RELEASES).resolve(previous))) {
          throw ApplicationFailure.newNonRetryableFailure("cannot roll back " + request.region()
              + " to " + previous + ": " + regionDir.resolve(RELEASES).resolve(previous)
              + " is gone", Failures.UNSUPPORTED_TARGET);
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
    Path envDir = Path.of(request.target().root()).resolve(request.environment());
    Path record = envDir.resolve("deployed.json");
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("application", request.application());
    body.put("version", request.version());
    body.put("artifactDigest", request.artifactDigest());
    body.put("releaseId", request.releaseId());
    body.put("regions", request.regions());
    body.put("recordedAt", clock.instant().toString());
    try {
      Files.createDirectories(envDir);
      writeAtomically(record, json.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + record + ": " + e.getMessage(), e);
    }
    return new RecordDeploymentResult(record.toString());
  }

  /** The version {@code current} points at in a region, or null if nothing was ever deployed there. */
  public String currentVersion(Path regionDir) {
    Path current = regionDir.resolve(CURRENT);
    if (!Files.isSymbolicLink(current)) {
      return null;
    }
    try {
      return Files.readSymbolicLink(current).getFileName().toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + current + ": " + e.getMessage(), e);
    }
  }

  public static Path regionDir(DeployTarget target, String environment, String region) {
    if (target.root() == null || target.root().isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "target.root is missing for the local target of " + environment, Failures.INVALID_REQUEST);
    }
    return Path.of(target.root()).resolve(environment).resolve(region);
  }

  /** Copies the artifact into its version folder once; a partial copy from a crashed attempt is redone. */
  private void ensureVersionInstalled(Path source, Path versionDir, DeployRequest request)
      throws IOException {
    Path installed = versionDir.resolve(source.getFileName());
    if (Files.isRegularFile(installed) && Files.exists(versionDir.resolve(DEPLOY_RECORD))
        && digestOf(installed).equals(request.artifact().digest())) {
      return;
    }
    Path releases = versionDir.getParent();
    Files.createDirectories(releases);
    Path staging = releases.resolve("." + request.version() + ".tmp-" + UUID.randomUUID());
    Files.createDirectories(staging);
    Files.copy(source, staging.resolve(source.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("releaseId", request.releaseId());
    record.put("version", request.version());
    record.put("artifactDigest", request.artifact().digest());
    record.put("installedAt", clock.instant().toString());
    Files.write(staging.resolve(DEPLOY_RECORD), json.writeValueAsBytes(record));
    if (Files.exists(versionDir, LinkOption.NOFOLLOW_LINKS)) {
      deleteTree(versionDir);
    }
    Files.move(staging, versionDir, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void pointCurrentAt(Path regionDir, String version) throws IOException {
    Path link = regionDir.resolve("." + CURRENT + ".tmp-" + UUID.randomUUID());
    Files.createSymbolicLink(link, Path.of(RELEASES, version));
    // rename(2) over the old link: readers see the old version or the new one, never neither.
    Files.move(link, regionDir.resolve(CURRENT), StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  private static String readPrevious(Path versionDir) {
    return readMarker(versionDir.resolve(PREVIOUS_MARKER));
  }

  private static String readMarker(Path marker) {
    try {
      if (!Files.exists(marker)) {
        return null;
      }
      String previous = Files.readString(marker, StandardCharsets.UTF_8).trim();
      return previous.isEmpty() ? null : previous;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + marker + ": " + e.getMessage(), e);
    }
  }

  private static void writeAtomically(Path file, byte[] content) throws IOException {
    Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp-" + UUID.randomUUID());
    Files.write(tmp, content);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static String digestOf(Path file) {
    if (!Files.isRegularFile(file)) {
      throw ApplicationFailure.newNonRetryableFailure("artifact " + file + " does not exist or is not"
          + " a file", Failures.ARTIFACT_DIGEST_MISMATCH);
    }
    return Digests.sha256(file);
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
