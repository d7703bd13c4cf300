package dev.gantry.activities.environment;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.gantry.activities.local.Digests;
import dev.gantry.workflows.api.DeployTarget;
import dev.gantry.workflows.api.Failures;
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
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The {@code local} target's environment store, next to its deployments under {@code <root>/<env>/}:
 * {@code config.json} (variables), {@code config.secrets.json} (resolved secrets, mode 600),
 * {@code environment.json} (the registration), {@code deployed.json} (written by releases), and per
 * region the {@code current} link and {@code releases/<version>/} the local target maintains.
 */
public class LocalEnvironments implements EnvironmentAdapter {
  static final String CONFIG = "config.json";
  static final String SECRETS = "config.secrets.json";
  static final String REGISTRATION = "environment.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final TypeReference<Map<String, String>> STRINGS = new TypeReference<>() {};
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
      Path dir = envDir(request.target(), request.environment()).resolve(region);
      Path current = dir.resolve("current");
      if (!Files.isDirectory(dir)) {
        regions.add(new RegionActual(region, null, null, dir + " does not exist"));
      } else if (!Files.isSymbolicLink(current)) {
        regions.add(new RegionActual(region, null, null, current + " does not exist"));
      } else {
        try {
          Path target = dir.resolve(Files.readSymbolicLink(current)).normalize();
          String version = target.getFileName().toString();
          regions.add(new RegionActual(region, version, digestOf(target), current + " -> " + target));
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read " + current + ": " + e.getMessage(), e);
        }
      }
    }
    return new RegionsActual(regions);
  }

  /** The digest of the bytes the version folder holds (its one artifact file), or null when it cannot tell. */
  private static String digestOf(Path versionDir) throws IOException {
    if (!Files.isDirectory(versionDir)) {
      return null;
    }
    try (Stream<Path> files = Files.list(versionDir)) {
      List<Path> artifacts = files.filter(Files::isRegularFile)
          .filter(file -> !file.getFileName().toString().startsWith(".")).toList();
      return artifacts.size() == 1 ? Digests.sha256(artifacts.get(0)) : null;
    }
  }

  @Override
  public RecordedDeployment readRecordedDeployment(RegionsRequest request) {
    Path record = envDir(request.target(), request.environment()).resolve("deployed.json");
    if (!Files.isRegularFile(record)) {
      return new RecordedDeployment(null, null, null, null, null);
    }
    try {
      return JSON.readValue(record.toFile(), RecordedDeployment.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + record + ": " + e.getMessage(), e);
    }
  }

  @Override
  public StackStatus createStack(StackRequest request) {
    Path dir = envDir(request.target(), request.environment()).resolve(request.region());
    try {
      Files.createDirectories(dir.resolve("releases"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
    }
    return new StackStatus(request.region(), "folder", dir.toString(), "CREATE_COMPLETE");
  }

  @Override
  public StackStatus awaitStack(StackRequest request) {
    Path dir = envDir(request.target(), request.environment()).resolve(request.region());
    if (!Files.isDirectory(dir)) {
      throw ApplicationFailure.newNonRetryableFailure(dir + " was not created", Failures.REGION_FAILED);
    }
    return new StackStatus(request.region(), "folder", dir.toString(), "CREATE_COMPLETE");
  }

  @Override
  public StackStatus deleteStack(StackRequest request) {
    Path dir = envDir(request.target(), request.environment()).resolve(request.region());
    deleteTree(dir);
    return new StackStatus(request.region(), "folder", dir.toString(), "DELETE_COMPLETE");
  }

  @Override
  public String register(Registration registration) {
    Path file = envDir(registration.target(), registration.environment()).resolve(REGISTRATION);
    try {
      Files.createDirectories(file.getParent());
      atomically(file, JSON.writeValueAsBytes(registration));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
    return file.toString();
  }

  @Override
  public Registration readRegistration(RegionsRequest request) {
    Path file = envDir(request.target(), request.environment()).resolve(REGISTRATION);
    try {
      return Files.isRegularFile(file) ? JSON.readValue(file.toFile(), Registration.class) : null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Keeps the registration, the last deployment record and the variables; secrets are not archived. */
  @Override
  public void retire(ArchiveRequest request, Path archive) {
    Path env = envDir(request.target(), request.environment());
    try {
      for (String kept : List.of(REGISTRATION, "deployed.json", CONFIG)) {
        if (Files.isRegularFile(env.resolve(kept))) {
          Files.copy(env.resolve(kept), archive.resolve(kept), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot archive " + env + ": " + e.getMessage(), e);
    }
    deleteTree(env);
  }

  static Path envDir(DeployTarget target, String environment) {
    if (target == null || target.root() == null || target.root().isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure("target.root is missing for the local target of "
          + environment, Failures.INVALID_REQUEST);
    }
    return Path.of(target.root()).resolve(environment);
  }

  private static Map<String, String> read(Path file) {
    try {
      return Files.isRegularFile(file) ? new LinkedHashMap<>(JSON.readValue(file.toFile(), STRINGS)) : Map.of();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static void write(Path file, Map<String, String> values, boolean secret) {
    try {
      Files.createDirectories(file.getParent());
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

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir + ": " + e.getMessage(), e);
    }
  }
}
