package dev.gantry.workflows.api.environment;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** @param status e.g. CREATE_COMPLETE, DELETE_COMPLETE, or {@code CREATED}/{@code DELETED} for local folders */
@JsonIgnoreProperties(ignoreUnknown = true)
public record StackStatus(String region, String name, String id, String status) {}
