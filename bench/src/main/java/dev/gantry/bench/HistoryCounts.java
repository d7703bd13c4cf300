package dev.gantry.bench;

import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Counts over one or more workflow histories (events, workflow tasks, activities, children, times). */
final class HistoryCounts {
  long events;
  long workflowTasks;
  long activities;
  long parentActivities;
  long children;
  long activityMillis;
  long firstMillis = Long.MAX_VALUE;
  long lastMillis;
  final List<String> childIds = new ArrayList<>();

  static HistoryCounts of(WorkflowClient client, String workflowId) {
    HistoryCounts h = new HistoryCounts();
    Map<Long, Long> started = new HashMap<>();
    for (HistoryEvent event : client.fetchHistory(workflowId).getEvents()) {
      h.events++;
      long at = event.getEventTime().getSeconds() * 1000 + event.getEventTime().getNanos() / 1_000_000;
      h.firstMillis = Math.min(h.firstMillis, at);
      h.lastMillis = Math.max(h.lastMillis, at);
      EventType type = event.getEventType();
      if (type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) {
        h.workflowTasks++;
      } else if (type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
        h.activities++;
      } else if (type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED) {
        started.put(event.getEventId(), at);
      } else if (type == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) {
        Long from = started.get(event.getActivityTaskCompletedEventAttributes().getStartedEventId());
        if (from != null) {
          h.activityMillis += at - from;
        }
      } else if (type == EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED) {
        h.childIds.add(event.getStartChildWorkflowExecutionInitiatedEventAttributes().getWorkflowId());
      }
    }
    return h;
  }

  void add(HistoryCounts other) {
    events += other.events;
    workflowTasks += other.workflowTasks;
    activities += other.activities;
    activityMillis += other.activityMillis;
  }

  long wallMillis() {
    return lastMillis - firstMillis;
  }
}
