package dev.gantry.workflows.api.flags;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** One bucket of a flag's default rule: {@code size} percent of the traffic gets {@code treatment}. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Allocation(String treatment, int size) {

  /** {@code percent}% {@code on}, the rest {@code off}. */
  public static List<Allocation> rollout(String on, String off, int percent) {
    return List.of(new Allocation(on, percent), new Allocation(off, 100 - percent));
  }

  public static String describe(List<Allocation> rule) {
    if (rule == null || rule.isEmpty()) {
      return "(no default rule)";
    }
    StringBuilder text = new StringBuilder();
    for (Allocation a : rule) {
      text.append(text.length() == 0 ? "" : " / ").append(a.treatment()).append(' ').append(a.size()).append('%');
    }
    return text.toString();
  }
}
