package dev.gantry.workflows.api.approval;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** @param source where the directory lives (for the file adapter: the absolute path of approvers.yaml) */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DirectoryRequest(String releaseId, String source) {}
