package dev.gantry.workflows.api.notify;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * A message to people, posted to a Slack-compatible incoming webhook. Exactly one of {@code webhookUrl}
 * and {@code webhookUrlEnv} is set; prefer {@code webhookUrlEnv}, because a Slack webhook URL is itself
 * the credential and everything in this record is stored in the workflow history.
 *
 * @param webhookUrl    the incoming webhook URL (Slack, Mattermost, Rocket.Chat, ...)
 * @param title         the headline, shown in bold
 * @param text          the body (Slack mrkdwn; {@code &}, {@code <} and {@code >} are escaped)
 * @param cliCommand    the {@code gantry} command that acts on the release, e.g. {@code gantry release
 *                      approve release/hello/1.4.0 --env production}; optional, shown as code
 * @param uiLink        the release in the Temporal UI; optional, shown as a link
 * @param mention       who to ping: Slack user ids ({@code U012AB3CD}), group ids ({@code S0614TZR7}),
 *                      {@code here}, {@code channel}, or ready-made Slack syntax ({@code <@U012AB3CD>});
 *                      optional
 * @param webhookUrlEnv the name of the worker's environment variable that holds the webhook URL
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Notification(
    String webhookUrl,
    String title,
    String text,
    String cliCommand,
    String uiLink,
    List<String> mention,
    String webhookUrlEnv) {

  /** A notification to a webhook URL given in clear. */
  public Notification(
      String webhookUrl, String title, String text, String cliCommand, String uiLink, List<String> mention) {
    this(webhookUrl, title, text, cliCommand, uiLink, mention, null);
  }
}
