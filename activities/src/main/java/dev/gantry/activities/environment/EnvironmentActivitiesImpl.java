package dev.gantry.activities.environment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.activities.support.ConfinedPaths;
import dev.gantry.activities.support.ValidNames;
import dev.gantry.workflows.api.DeployTarget;
import dev.gantry.workflows.api.Failures;
import dev.gantry.workflows.api.environment.ArchiveRequest;
import dev.gantry.workflows.api.environment.ConfigActual;
import dev.gantry.workflows.api.environment.ConfigApplied;
import dev.gantry.workflows.api.environment.ConfigRequest;
import dev.gantry.workflows.api.environment.EnvironmentActivities;
import dev.gantry.workflows.api.environment.RecordedDeployment;
import dev.gantry.workflows.api.environment.RegionsActual;
import dev.gantry.workflows.api.environment.RegionsRequest;
import dev.gantry.workflows.api.environment.Registration;
import dev.gantry.workflows.api.environment.StackRequest;
import dev.gantry.workflows.api.environment.StackStatus;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Routes each environment activity to the adapter of the target type; archives audit trails. */
public class EnvironmentActivitiesImpl implements EnvironmentActivities {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Map<String, EnvironmentAdapter> adapters = new HashMap<>();
  private final Path auditLog;
  private final Path archiveDir;

  /**
   * @param auditLog   the worker's audit log (JSONL), whose lines about an environment are archived with it
   * @param archiveDir where archives go: {@code <archiveDir>/<app>/<env>-<run>/}
   */
  public EnvironmentActivitiesImpl(List<EnvironmentAdapter> adapters, Path auditLog, Path archiveDir) {
    adapters.forEach(adapter -> adapter.types().forEach(type -> this.adapters.put(type, adapter)));
    this.auditLog = auditLog;
    this.archiveDir = archiveDir;
  }

  @Override
  public ConfigApplied applyConfig(ConfigRequest request) {
    return adapter(request.target()).applyConfig(request);
  }

  @Override
  public ConfigActual readConfig(ConfigRequest request) {
    return adapter(request.target()).readConfig(request);
  }

  @Override
  public RegionsActual readRegions(RegionsRequest request) {
    return adapter(request.target()).readRegions(request);
  }

  @Override
  public RecordedDeployment readRecordedDeployment(RegionsRequest request) {
    return adapter(request.target()).readRecordedDeployment(request);
  }

  @Override
  public StackStatus createStack(StackRequest request) {
    return adapter(request.target()).createStack(request);
  }

  @Override
  public StackStatus awaitStack(StackRequest request) {
    return adapter(request.target()).awaitStack(request);
  }

  @Override
  public StackStatus deleteStack(StackRequest request) {
    return adapter(request.target()).deleteStack(request);
  }

  @Override
  public String register(Registration registration) {
    return adapter(registration.target()).register(registration);
  }

  @Override
  public Registration readRegistration(RegionsRequest request) {
    return adapter(request.target()).readRegistration(request);
  }

  @Override
  public String archive(ArchiveRequest request) {
    String run = runId();
    // Application and environment come from the request: names only, and the folder stays in archiveDir.
    Path archive = ConfinedPaths.inside(archiveDir, ValidNames.name("application", request.application()),
        ValidNames.name("environment", request.environment()) + "-" + run);
    try {
      Files.createDirectories(archive);
      Path trail = archive.resolve("audit.jsonl");
      List<String> lines = new ArrayList<>();
      if (Files.isRegularFile(auditLog)) {
        try (BufferedReader reader = Files.newBufferedReader(auditLog, StandardCharsets.UTF_8)) {
          for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            if (about(line, request)) {
              lines.add(line);
            }
          }
        }
      }
      Files.write(trail, lines, StandardCharsets.UTF_8);
      adapter(request.target()).retire(request, archive);
      return archive.toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot archive " + request.environment() + " to " + archive + ": "
          + e.getMessage(), e);
    }
  }

  /** Lines about the environment: its releases' events there, and its own lifecycle's. */
  private static boolean about(String line, ArchiveRequest request) {
    try {
      JsonNode event = JSON.readTree(line);
      return request.environment().equals(event.path("environment").asText(null))
          && (event.path("releaseId").asText("").contains("/" + request.application() + "/")
              || event.path("releaseId").asText("").endsWith("/" + request.application()));
    } catch (IOException e) {
      return false;
    }
  }

  private static String runId() {
    try {
      return Activity.getExecutionContext().getInfo().getRunId();
    } catch (IllegalStateException | NullPointerException outsideAnActivity) {
      return "manual";
    }
  }

  private EnvironmentAdapter adapter(DeployTarget target) {
    String type = target == null ? null : target.type();
    EnvironmentAdapter adapter = type == null ? null : adapters.get(type);
    if (adapter == null) {
      throw ApplicationFailure.newNonRetryableFailure("target.type '" + type + "' has no environment store"
          + " on this worker; it serves: " + String.join(", ", adapters.keySet()), Failures.UNSUPPORTED_TARGET);
    }
    return adapter;
  }
}
