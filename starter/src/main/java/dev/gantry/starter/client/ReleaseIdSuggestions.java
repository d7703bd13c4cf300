package dev.gantry.starter.client;

import io.temporal.client.WorkflowClient;
import java.util.Comparator;
import java.util.List;

/** Release ids close to a mistyped one ("did you mean ...?"), from the server's visibility store. */
final class ReleaseIdSuggestions {
  private ReleaseIdSuggestions() {}

  /** Up to three ids within three edits of {@code releaseId}, closest first; none where the server cannot list. */
  static List<String> near(WorkflowClient client, String releaseId) {
    try {
      return client.listExecutions("WorkflowType = 'Release'")
          .limit(500)
          .map(execution -> execution.getExecution().getWorkflowId())
          .distinct()
          .filter(candidate -> distance(candidate, releaseId) <= 3)
          .sorted(Comparator.comparingInt(candidate -> distance(candidate, releaseId)))
          .limit(3)
          .toList();
    } catch (RuntimeException e) {
      return List.of();
    }
  }

  /** The edit (Levenshtein) distance between two ids. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
