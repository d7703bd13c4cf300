package dev.gantry.workflows.api.release;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One line of a release's story.
 *
 * @param at          ISO-8601 instant, workflow time
 * @param environment environment concerned, or null for the release as a whole
 * @param region      region concerned, or null
 * @param event       what happened, in words an operator reads at 3 a.m.
 * @param number      the line's place in the whole story (1, 2, ...), so a follower can tell new lines
 *                    from old ones when older lines are no longer kept; null from releases started before
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TimelineEntry(String at, String environment, String region, String event, Integer number) {
  public TimelineEntry(String at, String environment, String region, String event) {
    this(at, environment, region, event, null);
  }
}
