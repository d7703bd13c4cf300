package dev.gantry.workflows.failover;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The traffic owner's rules, pure so workflow code and tests share them: a region that is failed over or
 * drained gets 0; the serving regions share the configured total in proportion to their configured weights
 * (largest remainder, so the total stays exactly the configured one); no serving region: no answer (the
 * caller keeps the last weights and says so, it never routes to nothing).
 */
public final class TrafficRules {
  private TrafficRules() {}

  /**
   * @param baseline the configured weights, every region, in config order
   * @param serving  the regions that may take traffic
   * @return the weights for every region of {@code baseline}, or null when no region may serve
   */
  public static Map<String, Integer> desired(Map<String, Integer> baseline, Set<String> serving) {
    List<String> takers = baseline.keySet().stream().filter(serving::contains).toList();
    if (takers.isEmpty()) {
      return null;
    }
    long total = baseline.values().stream().mapToLong(Integer::longValue).sum();
    long basis = takers.stream().mapToLong(region -> baseline.get(region)).sum();
    boolean even = basis == 0;
    if (even) {
      basis = takers.size();
    }
    Map<String, Integer> next = new LinkedHashMap<>();
    baseline.keySet().forEach(region -> next.put(region, 0));
    List<long[]> remainders = new ArrayList<>(); // {index in takers, remainder}
    long given = 0;
    for (int i = 0; i < takers.size(); i++) {
      long share = even ? 1 : baseline.get(takers.get(i));
      long product = total * share;
      next.put(takers.get(i), (int) (product / basis));
      given += product / basis;
      remainders.add(new long[] {i, product % basis});
    }
    remainders.sort((a, b) -> a[1] != b[1] ? Long.compare(b[1], a[1]) : Long.compare(a[0], b[0]));
    for (int i = 0; given < total; i++, given++) {
      String taker = takers.get((int) remainders.get(i % remainders.size())[0]);
      next.put(taker, next.get(taker) + 1);
    }
    return next;
  }
}
