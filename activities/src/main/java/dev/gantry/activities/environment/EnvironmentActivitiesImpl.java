package dev.gantry.activities.environment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.activities.support.ConfinedPaths;
import dev.gantry.activities.support.ValidNames;
import dev.gantry.workflows.api.deploy.DeployTarget;
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
import dev.gantry.workflows.api.temporal.Failures;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Routes each environment activity to the adapter of the target type; archives audit trails. */
public class EnvironmentActivitiesImpl implements EnvironmentActivities {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Map<String, EnvironmentAdapter> adapters = new HashMap<>();
  private final Path auditLog;
  private final Path archiveDir;
  private final dev.gantry.activities.signing.Signer archiveKey;

  /**
   * @param auditLog   the worker's audit log (JSONL), whose lines about an environment are archived with it
   * @param archiveDir where archives go: {@code <archiveDir>/<app>/<env>-<run>/}
   */
  public EnvironmentActivitiesImpl(List<EnvironmentAdapter> adapters, Path auditLog, Path archiveDir) {
    this(adapters, auditLog, archiveDir, null);
  }

  /**
   * @param archiveKey the worker's audit key: it signs the checkpoint of each archived trail (null: archives
   *                   are not anchored and fail {@code gantry audit verify})
   */
  public EnvironmentActivitiesImpl(List<EnvironmentAdapter> adapters, Path auditLog, Path archiveDir,
      dev.gantry.activities.signing.Signer archiveKey) {
    adapters.forEach(adapter -> adapter.types().forEach(type -> this.adapters.put(type, adapter)));
    this.auditLog = auditLog;
    this.archiveDir = archiveDir;
    this.archiveKey = archiveKey;
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
      writeArchivedTrail(request, archive);
      adapter(request.target()).retire(request, archive);
      return archive.toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot archive " + request.environment() + " to " + archive + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * The environment's lines of the worker's trail, as a trail of their own ({@code audit.jsonl}, chained
   * anew; each line keeps its place and hash in the source as {@code sourceLine}, {@code sourceHash},
   * {@code sourcePrevHash}), and a checkpoint signed by the worker's audit key ({@code checkpoints.jws}) that
   * names the archive's last line and where the source trail stood. {@code gantry audit verify} checks it
   * as an archive. Streams the source; a retry writes the same archive again.
   */
  private void writeArchivedTrail(ArchiveRequest request, Path archive) throws IOException {
    Path trail = archive.resolve("audit.jsonl");
    Path checkpoints = archive.resolve(dev.gantry.activities.audit.AuditCheckpoints.FILE_NAME);
    Files.deleteIfExists(trail);
    Files.deleteIfExists(checkpoints);
    var archived = new dev.gantry.activities.audit.HashChainedLog(trail);
    long sourceLine = 0;
    String sourceHash = null;
    String sourceEventId = null;
    if (Files.isRegularFile(auditLog)) {
      try (BufferedReader reader = Files.newBufferedReader(auditLog, StandardCharsets.UTF_8)) {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          sourceLine++;
          JsonNode event;
          try {
            event = JSON.readTree(line);
          } catch (IOException notJson) {
            continue;
          }
          if (!(event instanceof com.fasterxml.jackson.databind.node.ObjectNode object)) {
            continue;
          }
          sourceHash = object.path("hash").asText(null);
          sourceEventId = object.path("eventId").asText(null);
          if (about(object, request)) {
            var copy = object.deepCopy();
            copy.remove("hash");
            copy.remove("prevHash");
            copy.put("sourceLine", sourceLine);
            copy.put("sourcePrevHash", object.path("prevHash").asText());
            copy.put("sourceHash", object.path("hash").asText());
            archived.append(copy);
          }
        }
      }
    }
    if (!Files.exists(trail)) {
      Files.createFile(trail);
    }
    if (archiveKey != null) {
      var anchor = new dev.gantry.activities.audit.AuditCheckpoints(checkpoints, archiveKey, Integer.MAX_VALUE,
          java.time.Clock.systemUTC());
      anchor.cover(archived);
      anchor.checkpoint("archive", null, new dev.gantry.activities.audit.AuditCheckpoints.TrailHead(
          auditLog.getFileName().toString(), sourceLine, sourceHash, sourceEventId));
    }
  }

  /** Lines about the environment: its releases' events there, and its own lifecycle's. */
  private static boolean about(JsonNode event, ArchiveRequest request) {
    return request.environment().equals(event.path("environment").asText(null))
        && (event.path("releaseId").asText("").contains("/" + request.application() + "/")
            || event.path("releaseId").asText("").endsWith("/" + request.application()));
  }

  private static String runId() {
    try {
      return Activity.getExecutionContext().getInfo().getWorkflowRunId();
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
