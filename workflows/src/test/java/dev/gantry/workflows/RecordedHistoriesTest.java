package dev.gantry.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.workflows.support.Histories;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.common.metadata.POJOWorkflowImplMetadata;
import io.temporal.common.metadata.POJOWorkflowMethodMetadata;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every recorded history under {@code src/test/resources/histories} replays against today's code with every
 * workflow of {@link WorkerCatalogue} registered, as on the real worker; every workflow type has at least one
 * recorded history; and every {@code Workflow.getVersion} change id in the workflows' sources was recorded (as a
 * {@code Version} marker) in at least one of them, so the branch it guards is checked against a run that took it.
 *
 * <p>The histories are written by the workflow tests themselves ({@code Histories.record}, one line at the end of
 * the test whose run is worth keeping), when run with {@code -Dgantry.recordHistories=true}, e.g.
 * {@code ./mvnw -o -pl workflows test -Dgantry.recordHistories=true -Dtest='FailFastWaveTest'}. Record again only
 * for a deliberate, versioned change, never to make a replay pass.
 */
class RecordedHistoriesTest {
  static final Path SOURCES = Path.of("src/main/java");
  /** {@code getVersion(} and its change id: a string literal or a constant (maybe qualified). */
  private static final Pattern GET_VERSION =
      Pattern.compile("\\bgetVersion\\(\\s*(\"([^\"]+)\"|[A-Za-z_][\\w.]*)\\s*,");
  /**
   * Change ids no history can hold, and why. A recording always starts with today's code, so a branch taken only
   * by a run that started with an older version of the workflow and went on with today's cannot be recorded here.
   */
  static final Map<String, String> UNRECORDABLE = Map.of(
      "traffic-owner-failover", "asked only by a per-region watch that started before the traffic owner existed"
          + " (no traffic-owner marker) and fails over with today's code: a watch started today hands over at"
          + " once; the watch recorded before the owner (failover-hello-service-production-us-west-2.json)"
          + " replays the branch without it",
      "traffic-owner-failback", "likewise, at the failback of such a watch");

  private static TestWorkflowEnvironment env;
  private static Worker replayer;

  @BeforeAll
  static void replayer() {
    env = TestWorkflowEnvironment.newInstance();
    // a shared 2-core machine can stall a replaying thread for more than the default second
    replayer = env.newWorker("recorded-histories-replay",
        WorkerOptions.newBuilder().setDefaultDeadlockDetectionTimeout(60_000).build());
    replayer.registerWorkflowImplementationTypes(WorkerCatalogue.WORKFLOW_IMPLEMENTATIONS.toArray(Class<?>[]::new));
  }

  @AfterAll
  static void close() {
    env.close();
  }

  @TestFactory
  Stream<DynamicTest> everyRecordedHistoryReplaysWithEveryWorkflowRegistered() throws Exception {
    Map<String, WorkflowExecutionHistory> histories = histories();
    assertThat(histories).isNotEmpty();
    return histories.entrySet().stream().map(entry -> DynamicTest.dynamicTest(entry.getKey(),
        () -> WorkflowReplayer.replayWorkflowExecution(entry.getValue(), replayer)));
  }

  @Test
  void everyWorkflowTypeOfTheCatalogueHasARecordedHistory() throws Exception {
    Set<String> recorded = new TreeSet<>();
    for (WorkflowExecutionHistory history : histories().values()) {
      recorded.add(history.getEvents().get(0).getWorkflowExecutionStartedEventAttributes().getWorkflowType()
          .getName());
    }
    Set<String> types = new TreeSet<>();
    for (Class<?> implementation : WorkerCatalogue.WORKFLOW_IMPLEMENTATIONS) {
      POJOWorkflowImplMetadata.newInstance(implementation).getWorkflowMethods().stream()
          .map(POJOWorkflowMethodMetadata::getName).forEach(types::add);
    }
    assertThat(recorded).as("workflow types with a recorded history").containsAll(types);
  }

  @Test
  void everyVersionChangeIdOfTheSourcesIsMarkedInARecordedHistory() throws Exception {
    Set<String> marked = new TreeSet<>();
    for (WorkflowExecutionHistory history : histories().values()) {
      marked.addAll(changeIds(history));
    }
    Map<String, String> ids = changeIdsInSources();
    assertThat(ids).as("change ids found in " + SOURCES).isNotEmpty();
    List<String> missing = new ArrayList<>();
    ids.forEach((id, where) -> {
      if (!marked.contains(id) && !UNRECORDABLE.containsKey(id)) {
        missing.add(id + " (" + where + ")");
      }
    });
    assertThat(missing).as("change ids no recorded history marks; record a run that takes the branch").isEmpty();
    assertThat(ids.keySet()).as("ids said to be unrecordable are still in the sources")
        .containsAll(UNRECORDABLE.keySet());
  }

  /** The change ids of the {@code Version} markers of a history. */
  static Set<String> changeIds(WorkflowExecutionHistory history) {
    Set<String> ids = new TreeSet<>();
    for (HistoryEvent event : history.getEvents()) {
      if (event.getEventType() != EventType.EVENT_TYPE_MARKER_RECORDED
          || !"Version".equals(event.getMarkerRecordedEventAttributes().getMarkerName())) {
        continue;
      }
      var changeId = event.getMarkerRecordedEventAttributes().getDetailsMap().get("changeId");
      if (changeId != null) {
        ids.add(DefaultDataConverter.STANDARD_INSTANCE.fromPayloads(0, Optional.of(changeId), String.class,
            String.class));
      }
    }
    return ids;
  }

  /** Every change id passed to {@code getVersion} in the main sources, with the file that passes it. */
  static Map<String, String> changeIdsInSources() throws IOException {
    Map<Path, String> sources = new LinkedHashMap<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
        sources.put(file, withoutComments(Files.readString(file, StandardCharsets.UTF_8)));
      }
    }
    Map<String, String> ids = new TreeMap<>();
    sources.forEach((file, code) -> {
      Matcher call = GET_VERSION.matcher(code);
      while (call.find()) {
        String id = call.group(2) != null ? call.group(2) : resolve(call.group(1), file, sources);
        ids.putIfAbsent(id, SOURCES.relativize(file).toString());
      }
    });
    return ids;
  }

  /** The value of the string constant {@code reference} ({@code NAME} or {@code Type.NAME}) as seen from {@code file}. */
  private static String resolve(String reference, Path file, Map<Path, String> sources) {
    int dot = reference.lastIndexOf('.');
    String name = reference.substring(dot + 1);
    String type = dot < 0 ? null : reference.substring(0, dot).replaceAll(".*\\.", "");
    Pattern declaration = Pattern.compile("\\bString\\s+" + Pattern.quote(name) + "\\s*=\\s*\"([^\"]+)\"");
    if (type == null) {
      Matcher here = declaration.matcher(sources.get(file));
      if (here.find()) {
        return here.group(1);
      }
    }
    Set<String> values = new TreeSet<>();
    sources.forEach((other, code) -> {
      if (type == null || other.getFileName().toString().equals(type + ".java")) {
        Matcher there = declaration.matcher(code);
        while (there.find()) {
          values.add(there.group(1));
        }
      }
    });
    assertThat(values).as("the value of " + reference + " passed to getVersion in " + file).hasSize(1);
    return values.iterator().next();
  }

  private static String withoutComments(String code) {
    return code.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("(?m)^\\s*//.*$", "");
  }

  /** Every recorded history, by file name. */
  static Map<String, WorkflowExecutionHistory> histories() throws IOException, URISyntaxException {
    Path dir = Path.of(RecordedHistoriesTest.class.getClassLoader().getResource("histories").toURI());
    Map<String, String> ids = Histories.workflowIds(dir);
    Map<String, WorkflowExecutionHistory> histories = new TreeMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
        String name = file.getFileName().toString();
        assertThat(ids).as("the workflow id of " + name + " in " + Histories.INDEX).containsKey(name);
        histories.put(name, WorkflowExecutionHistory.fromJson(Files.readString(file, StandardCharsets.UTF_8),
            ids.get(name)));
      }
    }
    return histories;
  }
}
