package dev.gantry.workflows.api.rollout;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * How a new version reaches the users of one region, from {@code rollout:} in
 * {@code environments/<env>/config.yaml}. Absent (null) means all at once, as before rollouts existed.
 *
 * @param strategy    {@code canary}, {@code linear}, {@code blue-green} or {@code all-at-once}
 * @param steps       traffic weights of the new version in percent, increasing, the last one 100
 *                    (linear and blue-green are resolved into steps by the spec loader)
 * @param bakeSeconds how long each step runs before its analysis
 * @param darkLaunch  {@code continue} (default): after the 0% dark launch and its smoke check, go on to the
 *                    steps; {@code hold}: stay at 0% until a person resumes or promotes
 * @param analysis    the automated analysis after each step, or null (steps then only bake)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RolloutPolicy(
    String strategy, List<Integer> steps, Integer bakeSeconds, String darkLaunch, AnalysisPolicy analysis) {

  public static final String CANARY = "canary";
  public static final String LINEAR = "linear";
  public static final String BLUE_GREEN = "blue-green";
  public static final String ALL_AT_ONCE = "all-at-once";
  public static final List<String> STRATEGIES = List.of(CANARY, LINEAR, BLUE_GREEN, ALL_AT_ONCE);
  public static final String HOLD = "hold";
  public static final String CONTINUE = "continue";

  /** True when traffic moves in steps (anything but all-at-once). */
  public boolean progressive() {
    return strategy != null && !ALL_AT_ONCE.equals(strategy) && steps != null && !steps.isEmpty();
  }

  public boolean holdsDark() {
    return HOLD.equals(darkLaunch);
  }

  public int bakeSecondsOrDefault() {
    return bakeSeconds == null ? 600 : bakeSeconds;
  }
}
