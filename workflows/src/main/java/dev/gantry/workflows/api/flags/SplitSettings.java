package dev.gantry.workflows.api.flags;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * How a worker reaches Split for one Gantry environment ({@code flags.split} in
 * {@code environments/<env>/config.yaml}). Secrets are never here: only the names of the worker's
 * environment variables that hold them (this record ends up in workflow histories).
 *
 * @param workspaceId    the Split workspace id (Admin API path {@code /splits/ws/{workspaceId}/...})
 * @param environment    the Split environment id or name, e.g. {@code Production}
 * @param adminApiKeyEnv the worker's variable holding a Split Admin API key (Bearer token); needed to
 *                       change rollouts, kill flags and list flags
 * @param adminUrl       the Admin API base; null means {@value #DEFAULT_ADMIN_URL}
 * @param sdkKeyEnv      the worker's variable holding a server-side SDK key: the SDK then evaluates
 *                       flags online (SDK-key mode)
 * @param localhostFile  a flag file for the SDK's localhost mode (offline: {@code .json} with
 *                       percentages, or {@code .yaml}); absolute path on the worker
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SplitSettings(
    String workspaceId,
    String environment,
    String adminApiKeyEnv,
    String adminUrl,
    String sdkKeyEnv,
    String localhostFile) {
  public static final String DEFAULT_ADMIN_URL = "https://api.split.io/internal/api/v2";

  public String adminUrlOrDefault() {
    return adminUrl == null || adminUrl.isBlank() ? DEFAULT_ADMIN_URL : adminUrl;
  }

  /** True if the SDK can evaluate flags (localhost file or SDK key). */
  public boolean hasSdk() {
    return (localhostFile != null && !localhostFile.isBlank()) || (sdkKeyEnv != null && !sdkKeyEnv.isBlank());
  }
}
