package dev.gantry.workflows.support;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes the history of a workflow a test has just run to {@code src/test/resources/histories}, for
 * {@code RecordedHistoriesTest} to replay against every later version of the code. Off unless the build is run
 * with {@code -Dgantry.recordHistories=true}: a test that records is an ordinary test otherwise. Record again only
 * for a deliberate, versioned change (a new {@code Workflow.getVersion} branch), never to make a replay pass.
 */
public final class Histories {
  private Histories() {}

  /** The file beside the histories that names each one's workflow id. */
  public static final String INDEX = "workflow-ids.txt";
  private static final String INDEX_HEADER =
      "# recorded history -> its workflow id (written by Histories.record; read by RecordedHistoriesTest)\n";

  public static boolean recording() {
    return "true".equals(System.getProperty("gantry.recordHistories"));
  }

  /** Writes {@code <name>.json} with the history of {@code workflowId} (its latest run) when recording. */
  public static synchronized void record(WorkflowClient client, String workflowId, String name) {
    if (!recording()) {
      return;
    }
    Path dir = Path.of(System.getProperty("gantry.historiesDir", "src/test/resources/histories"));
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(name + ".json"), client.fetchHistory(workflowId).toJson(true) + "\n",
          StandardCharsets.UTF_8);
      Map<String, String> ids = workflowIds(dir);
      ids.put(name + ".json", workflowId);
      StringBuilder index = new StringBuilder(INDEX_HEADER);
      ids.forEach((file, id) -> index.append(file).append('=').append(id).append('\n'));
      Files.writeString(dir.resolve(INDEX), index, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The workflow id of each recorded history, by file name ({@value #INDEX} beside the histories): a history
   * does not hold its own id, and a workflow that checks a token or a message against its id must replay with it.
   */
  public static synchronized Map<String, String> workflowIds(Path dir) throws IOException {
    Map<String, String> ids = new TreeMap<>();
    Path index = dir.resolve(INDEX);
    if (Files.exists(index)) {
      for (String line : Files.readAllLines(index, StandardCharsets.UTF_8)) {
        int eq = line.indexOf('=');
        if (!line.startsWith("#") && eq > 0) {
          ids.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
        }
      }
    }
    return ids;
  }

  /**
   * When recording, the ids of the children of {@code workflowId} of workflow type {@code type}, in the order they
   * started; otherwise none (the test runs exactly as it does without recording).
   */
  public static List<String> children(WorkflowClient client, String workflowId, String type) {
    if (!recording()) {
      return List.of();
    }
    List<HistoryEvent> events = client.fetchHistory(workflowId).getEvents();
    return events.stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED)
        .map(HistoryEvent::getStartChildWorkflowExecutionInitiatedEventAttributes)
        .filter(a -> a.getWorkflowType().getName().equals(type))
        .map(a -> a.getWorkflowId())
        .distinct()
        .toList();
  }
}
