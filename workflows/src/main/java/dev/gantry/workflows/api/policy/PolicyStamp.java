package dev.gantry.workflows.api.policy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Which platform policy a release ran under: recorded in its history, shown by {@code status} and
 * {@code report}, and written to the audit trail.
 *
 * @param path   the policy directory on the worker
 * @param digest {@code sha256:<hex>} over every file of the directory (names and bytes, .git excluded)
 * @param commit the git commit checked out there, or null when the directory is not a git checkout
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PolicyStamp(String path, String digest, String commit) {
  /** "sha256:ab12cd34ef56 (commit 3f2a9c1)": short enough for a status line. */
  public String summary() {
    String shortDigest = digest == null ? "?" : digest.substring(0, Math.min(digest.length(), 19));
    return shortDigest + (commit == null ? "" : " (commit " + commit.substring(0, Math.min(7, commit.length())) + ")");
  }
}
