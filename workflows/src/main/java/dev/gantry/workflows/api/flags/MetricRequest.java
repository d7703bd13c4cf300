package dev.gantry.workflows.api.flags;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Read a metric per treatment from the HTTP metrics endpoint:
 * {@code GET <url>?flag=<flag>&environment=<env>&metric=<metric>&since=<epoch millis>}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record MetricRequest(String url, String flag, String environment, String metric, long sinceEpochMillis) {}
