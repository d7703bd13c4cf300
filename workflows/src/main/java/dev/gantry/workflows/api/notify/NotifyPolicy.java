package dev.gantry.workflows.api.notify;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * Where an environment's gate notifications go.
 *
 * @param webhookUrlEnv name of the worker's environment variable holding the webhook URL (preferred: a
 *                      Slack webhook URL is itself a secret and must not land in the history)
 * @param webhookUrl    the webhook URL itself (only for webhooks that are not secret)
 * @param mention       user or group ids to mention, or here/channel
 * @param uiUrl         base URL of the Temporal Web UI, for links (default http://127.0.0.1:8233)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record NotifyPolicy(String webhookUrlEnv, String webhookUrl, List<String> mention, String uiUrl) {
  public String uiUrlOrDefault() {
    return uiUrl == null || uiUrl.isBlank() ? "http://127.0.0.1:8233" : uiUrl.replaceAll("/+$", "");
  }
}
