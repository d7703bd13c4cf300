package dev.gantry.workflows.failover;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The arithmetic of moving a region's weight: pure, so workflow code and tests share it. */
public final class Weights {
  private Weights() {}

  /**
   * The region's weight goes to zero and is spread over the takers in proportion to what they carry
   * now (their configured weights if they carry nothing); other regions keep theirs. The total stays
   * the same, so the record set keeps its meaning.
   */
  public static Map<String, Integer> drain(Map<String, Integer> current, Map<String, Integer> baseline,
      String region, List<String> takers) {
    Map<String, Integer> next = new LinkedHashMap<>();
    for (String name : baseline.keySet()) {
      next.put(name, current.getOrDefault(name, baseline.get(name)));
    }
    int moved = next.getOrDefault(region, 0);
    next.put(region, 0);
    int basis = takers.stream().mapToInt(t -> next.getOrDefault(t, 0)).sum();
    boolean useBaseline = basis == 0;
    if (useBaseline) {
      basis = takers.stream().mapToInt(t -> baseline.getOrDefault(t, 1)).sum();
    }
    int given = 0;
    for (String taker : takers) {
      int share = useBaseline ? baseline.getOrDefault(taker, 1) : next.getOrDefault(taker, 0);
      int extra = basis == 0 ? 0 : (int) ((long) moved * share / basis);
      next.put(taker, next.getOrDefault(taker, 0) + extra);
      given += extra;
    }
    if (!takers.isEmpty()) {
      String first = takers.get(0);
      next.put(first, next.get(first) + (moved - given)); // the rounding remainder
    }
    return next;
  }

  /**
   * The region gets its configured weight back; every other region goes back to at most its configured
   * weight (what it took over is returned; a region drained by its own watch stays drained).
   */
  public static Map<String, Integer> restore(Map<String, Integer> current, Map<String, Integer> baseline,
      String region) {
    Map<String, Integer> next = new LinkedHashMap<>();
    for (Map.Entry<String, Integer> entry : baseline.entrySet()) {
      String name = entry.getKey();
      int now = current.getOrDefault(name, entry.getValue());
      next.put(name, name.equals(region) ? entry.getValue() : Math.min(now, entry.getValue()));
    }
    return next;
  }
}
