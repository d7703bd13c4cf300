package dev.gantry.workflows.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One line of a release's story.
 *
 * @param at          ISO-8601 instant, workflow time
 * @param environment environment concerned, or null for the release as a whole
 * @param region      region concerned, or null
 * @param event       what happened, in words an operator reads at 3 a.m.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TimelineEntry(String at, String environment, String region, String event) {}
