package dev.gantry.activities.environment;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.gantry.activities.local.Digests;
import dev.gantry.activities.local.LocalTarget;
import dev.gantry.activities.support.BoundedFiles;
import dev.gantry.activities.support.ConfinedPaths;
import dev.gantry.activities.support.JsonFiles;
import dev.gantry.activities.support.OwnedFolders;
import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.environment.ArchiveRequest;
import dev.gantry.workflows.api.environment.ConfigActual;
import dev.gantry.workflows.api.environment.ConfigApplied;
import dev.gantry.workflows.api.environment.ConfigRequest;
import dev.gantry.workflows.api.environment.ParameterActual;
import dev.gantry.workflows.api.environment.RecordedDeployment;
import dev.gantry.workflows.api.environment.RegionActual;
import dev.gantry.workflows.api.environment.RegionsActual;
import dev.gantry.workflows.api.environment.RegionsRequest;
import dev.gantry.workflows.api.environment.Registration;
import dev.gantry.workflows.api.environment.StackRequest;
import dev.gantry.workflows.api.environment.StackStatus;
import dev.gantry.workflows.api.input.Names;
import dev.gantry.workflows.api.temporal.Failures;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code local} target's environment store, next to its deployments under {@code <root>/<env>/}:
 * {@code config.json} (variables), {@code config.secrets.json} (resolved secrets, mode 600),
 * {@code environment.json} (the registration), {@code deployed.json} (written by releases), and per
 * region the {@code current} link and {@code releases/<version>/} the local target maintains.
 *
 * <p>Names become folders only through {@link LocalTarget#environmentDir} and {@link LocalTarget#regionDir}
 * (strict names, confined to {@code target.root}). Deleting a region's stack or retiring the environment
 * deletes a folder only if the worker created it (its marker, {@link LocalTarget#REGION_MARKER} or
 * {@link LocalTarget#ENVIRONMENT_MARKER}); anything else is left where it is and said so. Files are read
 * capped, and their errors never quote them (the secrets file least of all).
 */
public class LocalEnvironments implements EnvironmentAdapter {
  static final String CONFIG = "config.json";
  static final String SECRETS = "config.secrets.json";
  static final String REGISTRATION = "environment.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final TypeReference<Map<String, String>> STRINGS = new TypeReference<>() {};
  /** Config, secrets, registration and deployment record are small JSON files the worker writes. */
  private static final long MAX_FILE_BYTES = BoundedFiles.MIB;
  /** What deleteStack answers for a folder it did not create and so did not delete. */
  public static final String LEFT_ALONE = "LEFT_ALONE";
  private static final Logger log = LoggerFactory.getLogger(LocalEnvironments.class);
  private final SecretReferences secrets;

  public LocalEnvironments(SecretReferences secrets) {
    this.secrets = secrets;
  }

  @Override
  public List<String> types() {
    return List.of(DeployTarget.LOCAL);
  }

  @Override
  public ConfigApplied applyConfig(ConfigRequest request) {
    Path env = envDir(request.target(), request.environment());
    Map<String, String> variables = new TreeMap<>(request.variables());
    Map<String, String> resolved = new TreeMap<>();
    request.secrets().forEach((name, reference) -> resolved.put(name, secrets.resolve(name, reference, null)));
    Map<String, String> oldVariables = read(env.resolve(CONFIG));
    Map<String, String> oldSecrets = read(env.resolve(SECRETS));
    List<String> changed = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    variables.forEach((name, value) -> {
      if (!value.equals(oldVariables.get(name))) {
        changed.add(name);
      }
    });
    resolved.forEach((name, value) -> {
      if (!value.equals(oldSecrets.get(name))) {
        changed.add(name);
      }
    });
    oldVariables.keySet().stream().filter(name -> !variables.containsKey(name)).forEach(removed::add);
    oldSecrets.keySet().stream().filter(name -> !resolved.containsKey(name)).forEach(removed::add);
    createEnvironmentDir(env);
    write(env.resolve(CONFIG), variables, false);
    write(env.resolve(SECRETS), resolved, true);
    return new ConfigApplied(changed, removed, env.resolve(CONFIG).toString());
  }

  @Override
  public ConfigActual readConfig(ConfigRequest request) {
    Path env = envDir(request.target(), request.environment());
    List<ParameterActual> parameters = new ArrayList<>();
    read(env.resolve(CONFIG)).forEach((name, value) -> parameters.add(new ParameterActual(null, name, false, value)));
    read(env.resolve(SECRETS)).forEach((name, value) -> {
      String reference = request.secrets().get(name);
      boolean matches = reference != null && value.equals(secrets.resolve(name, reference, null));
      parameters.add(new ParameterActual(null, name, true,
          matches ? ParameterActual.SECRET_MATCHES : ParameterActual.SECRET_DIFFERS));
    });
    return new ConfigActual(parameters);
  }

  @Override
  public RegionsActual readRegions(RegionsRequest request) {
    List<RegionActual> regions = new ArrayList<>();
    for (String region : request.regions()) {
      Path dir = LocalTarget.regionDir(request.target(), request.environment(), region);
      Path current = dir.resolve("current");
      if (!Files.isDirectory(dir)) {
        regions.add(new RegionActual(region, null, null, dir + " does not exist"));
      } else if (!Files.isSymbolicLink(current)) {
        regions.add(new RegionActual(region, null, null, current + " does not exist"));
      } else {
        regions.add(readCurrent(region, dir, current));
      }
    }
    return new RegionsActual(regions);
  }

  /** What {@code current} points at, if it is a link the local target made ({@code releases/<version>}). */
  private static RegionActual readCurrent(String region, Path dir, Path current) {
    String version = LocalTarget.linkedVersion(current);
    if (version == null) {
      // Not ours: reported as drift, never followed (it could point anywhere on the worker).
      return new RegionActual(region, null, null, current + " does not point at releases/<version>");
    }
    Path versionDir = ConfinedPaths.inside(dir, "releases", version);
    try {
      return new RegionActual(region, version, digestOf(versionDir), current + " -> " + versionDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + versionDir + ": " + e.getMessage(), e);
    }
  }

  /** The digest of the bytes the version folder holds (its one artifact file), or null when it cannot tell. */
  private static String digestOf(Path versionDir) throws IOException {
    if (!Files.isDirectory(versionDir)) {
      return null;
    }
    try (Stream<Path> files = Files.list(versionDir)) {
      List<Path> artifacts = files.filter(file -> Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS))
          .filter(file -> !file.getFileName().toString().startsWith(".")).toList();
      return artifacts.size() == 1 ? Digests.sha256(artifacts.get(0)) : null;
    }
  }

  @Override
  public RecordedDeployment readRecordedDeployment(RegionsRequest request) {
    Path record = envDir(request.target(), request.environment()).resolve("deployed.json");
    RecordedDeployment recorded = readJson(record, RecordedDeployment.class);
    return recorded == null ? new RecordedDeployment(null, null, null, null, null) : recorded;
  }

  @Override
  public StackStatus createStack(StackRequest request) {
    Path dir = LocalTarget.regionDir(request.target(), request.environment(), request.region());
    try {
      createEnvironmentDir(envDir(request.target(), request.environment()));
      OwnedFolders.create(dir, LocalTarget.REGION_MARKER);
      Files.createDirectories(dir.resolve("releases"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
    }
    return new StackStatus(request.region(), "folder", dir.toString(), "CREATE_COMPLETE");
  }

  @Override
  public StackStatus awaitStack(StackRequest request) {
    Path dir = LocalTarget.regionDir(request.target(), request.environment(), request.region());
    if (!Files.isDirectory(dir)) {
      throw ApplicationFailure.newNonRetryableFailure(dir + " was not created", Failures.REGION_FAILED);
    }
    return new StackStatus(request.region(), "folder", dir.toString(), "CREATE_COMPLETE");
  }

  @Override
  public StackStatus deleteStack(StackRequest request) {
    Path dir = LocalTarget.regionDir(request.target(), request.environment(), request.region());
    if (!deleteIfOurs(dir, LocalTarget.REGION_MARKER)) {
      return new StackStatus(request.region(), "folder", dir + " (not created by Gantry: left in place)",
          LEFT_ALONE);
    }
    return new StackStatus(request.region(), "folder", dir.toString(), "DELETE_COMPLETE");
  }

  @Override
  public String register(Registration registration) {
    Path file = envDir(registration.target(), registration.environment()).resolve(REGISTRATION);
    try {
      createEnvironmentDir(file.getParent());
      atomically(file, JSON.writeValueAsBytes(registration));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
    return file.toString();
  }

  @Override
  public Registration readRegistration(RegionsRequest request) {
    return readJson(envDir(request.target(), request.environment()).resolve(REGISTRATION), Registration.class);
  }

  /** Keeps the registration, the last deployment record and the variables; secrets are not archived. */
  @Override
  public void retire(ArchiveRequest request, Path archive) {
    Path env = envDir(request.target(), request.environment());
    try {
      for (String kept : List.of(REGISTRATION, "deployed.json", CONFIG)) {
        // Not through a link: the archive keeps our files, not whatever a link would point at.
        if (Files.isRegularFile(env.resolve(kept), LinkOption.NOFOLLOW_LINKS)) {
          Files.copy(env.resolve(kept), archive.resolve(kept), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot archive " + env + ": " + e.getMessage(), e);
    }
    if (!deleteIfOurs(env, LocalTarget.ENVIRONMENT_MARKER)) {
      log.warn("retired environment {}: {} was not created by Gantry (no {}), left in place", request.environment(),
          env, LocalTarget.ENVIRONMENT_MARKER);
    }
  }

  static Path envDir(DeployTarget target, String environment) {
    return LocalTarget.environmentDir(target, environment);
  }

  private static void createEnvironmentDir(Path env) {
    try {
      OwnedFolders.create(env, LocalTarget.ENVIRONMENT_MARKER);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + env + ": " + e.getMessage(), e);
    }
  }

  private static Map<String, String> read(Path file) {
    Map<String, String> values = readJson(file, STRINGS);
    return values == null ? Map.of() : new LinkedHashMap<>(values);
  }

  private static <T> T readJson(Path file, Class<T> type) {
    return readJson(file, JSON.getTypeFactory().constructType(type));
  }

  private static <T> T readJson(Path file, TypeReference<T> type) {
    return readJson(file, JSON.getTypeFactory().constructType(type));
  }

  /**
   * A file of the store, or null when there is none. Errors name the file and the line, never a value:
   * {@code config.secrets.json} holds resolved secrets, and Jackson's own messages quote the input.
   */
  private static <T> T readJson(Path file, JavaType type) {
    return JsonFiles.readIfPresent(JSON, file, MAX_FILE_BYTES, type, Failures.INVALID_REQUEST);
  }

  private static void write(Path file, Map<String, String> values, boolean secret) {
    try {
      atomically(file, JSON.writeValueAsBytes(values), secret);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static void atomically(Path file, byte[] content) throws IOException {
    atomically(file, content, false);
  }

  private static void atomically(Path file, byte[] content, boolean secret) throws IOException {
    Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp-" + UUID.randomUUID());
    if (secret) {
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    Files.write(tmp, content);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Deletes a folder the worker created (it holds {@code marker}); returns false for any other. */
  private static boolean deleteIfOurs(Path dir, String marker) {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return true;
    }
    if (!OwnedFolders.isOwned(dir, marker)) {
      return false;
    }
    try {
      OwnedFolders.deleteTree(dir);
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir + ": " + e.getMessage(), e);
    }
  }
}
