package dev.gantry.activities.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.activities.support.HttpClients;
import dev.gantry.workflows.api.notify.Notification;
import dev.gantry.workflows.api.notify.NotificationReceipt;
import dev.gantry.workflows.api.notify.NotifyActivities;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Posts a {@link Notification} to a Slack-compatible incoming webhook as
 * <pre>{"text": "&lt;mentions&gt; title: text",
 *  "blocks": [
 *    {"type": "section", "text": {"type": "mrkdwn", "text": "&lt;mentions&gt; *title*\ntext"}},
 *    {"type": "section", "text": {"type": "mrkdwn", "text": "Command:\n```gantry ...```"}},
 *    {"type": "section", "text": {"type": "mrkdwn",
 *     "text": "&lt;https://ui...|Open the release in the Temporal UI&gt;"}}]}</pre>
 * ({@code text} is the fallback shown in push notifications; the second and third blocks only when there is
 * a command or a link). {@code &}, {@code <} and {@code >} in the caller's words are escaped as Slack asks;
 * sections are cut at Slack's 3000 characters.
 *
 * <p>A non-2xx answer or a network failure is a retryable failure of type {@code NotificationFailed}; the
 * message names the webhook's host only, because the rest of a Slack webhook URL is its secret.
 */
public class NotifyActivitiesImpl implements NotifyActivities {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final int MAX_SECTION = 3000;
  private static final int MAX_QUOTED = 300;

  private final HttpClient client;
  private final Duration requestTimeout;
  private final Function<String, String> environment;

  /** Webhook URLs named by {@code webhookUrlEnv} are read from the given environment (System::getenv). */
  public NotifyActivitiesImpl(Function<String, String> environment) {
    this(HttpClients.create(Duration.ofSeconds(10), HttpClient.Redirect.NEVER), Duration.ofSeconds(15), environment);
  }

  public NotifyActivitiesImpl(
      HttpClient client, Duration requestTimeout, Function<String, String> environment) {
    this.client = client;
    this.requestTimeout = requestTimeout;
    this.environment = environment;
  }

  @Override
  public NotificationReceipt send(Notification notification) {
    URI webhook = webhook(notification);
    if (blank(notification.title()) && blank(notification.text())) {
      throw ApplicationFailure.newNonRetryableFailure("a notification needs a title or a text", INVALID);
    }
    byte[] body;
    try {
      body = JSON.writeValueAsBytes(payload(notification));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the notification as JSON", e);
    }
    HttpRequest request = HttpRequest.newBuilder(webhook)
        .timeout(requestTimeout)
        .header("Content-Type", "application/json; charset=utf-8")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    String where = "the notification webhook at " + webhook.getScheme() + "://" + webhook.getRawAuthority();
    HttpResponse<String> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw ApplicationFailure.newFailure(where + " could not be reached (" + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage().replace(webhook.toString(), "<webhook>"))
          + "); will retry", FAILED);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure("posting to " + where + " was interrupted", FAILED);
    }
    String answer = quote(response.body());
    if (response.statusCode() < 200 || response.statusCode() > 299) {
      throw ApplicationFailure.newFailure(where + " answered " + response.statusCode() + ": " + answer
          + "; will retry", FAILED);
    }
    return new NotificationReceipt(response.statusCode(), answer);
  }

  /** The Slack message: fallback text plus blocks. */
  static ObjectNode payload(Notification notification) {
    String mentions = mentions(notification.mention());
    String title = escape(notification.title());
    String text = escape(notification.text());

    ObjectNode message = JSON.createObjectNode();
    String fallback = join(": ", title, text);
    message.put("text", cut(mentions.isEmpty() ? fallback : mentions + " " + fallback));
    ArrayNode blocks = message.putArray("blocks");
    String headline = join("\n", title.isEmpty() ? "" : "*" + title + "*", text);
    section(blocks, mentions.isEmpty() ? headline : mentions + " " + headline);
    if (!blank(notification.cliCommand())) {
      section(blocks, "Command:\n```" + escape(notification.cliCommand().trim()) + "```");
    }
    if (!blank(notification.uiLink())) {
      String link = notification.uiLink().trim();
      boolean web = link.startsWith("https://") || link.startsWith("http://");
      section(blocks, web
          ? "<" + link.replace("|", "%7C").replace("<", "%3C").replace(">", "%3E")
              + "|Open the release in the Temporal UI>"
          : "Temporal UI: " + escape(link));
    }
    return message;
  }

  /**
   * Slack mention syntax: {@code here}, {@code channel}, {@code everyone} become {@code <!here>} and so on;
   * user ids ({@code U...}, {@code W...}) become {@code <@U...>}; user group ids ({@code S...}) become
   * {@code <!subteam^S...>}; text already in angle brackets is kept; anything else is shown as
   * {@code @name}, which Slack does not resolve to a person.
   */
  static String mentions(List<String> mention) {
    if (mention == null) {
      return "";
    }
    List<String> out = new ArrayList<>();
    for (String raw : mention) {
      if (blank(raw)) {
        continue;
      }
      String m = raw.trim();
      String bare = m.replaceFirst("^[@!]", "");
      String lower = bare.toLowerCase(Locale.ROOT);
      if (m.startsWith("<") && m.endsWith(">")) {
        out.add(m);
      } else if (lower.equals("here") || lower.equals("channel") || lower.equals("everyone")) {
        out.add("<!" + lower + ">");
      } else if (bare.matches("[UW][A-Z0-9]{2,}")) {
        out.add("<@" + bare + ">");
      } else if (bare.matches("S[A-Z0-9]{2,}")) {
        out.add("<!subteam^" + bare + ">");
      } else {
        out.add("@" + escape(bare));
      }
    }
    return String.join(" ", out);
  }

  private static void section(ArrayNode blocks, String mrkdwn) {
    ObjectNode section = blocks.addObject();
    section.put("type", "section");
    ObjectNode text = section.putObject("text");
    text.put("type", "mrkdwn");
    text.put("text", cut(mrkdwn));
  }

  private URI webhook(Notification notification) {
    String url = notification.webhookUrl();
    String variable = notification.webhookUrlEnv();
    if (blank(url) == blank(variable)) {
      throw ApplicationFailure.newNonRetryableFailure("a notification needs exactly one of webhookUrl and"
          + " webhookUrlEnv (notify.webhookUrlEnv: the name of the worker's environment variable holding"
          + " the webhook URL, which is itself a secret)", INVALID);
    }
    String where = "notify.webhookUrl";
    if (blank(url)) {
      where = "environment variable " + variable.trim() + " (named by notify.webhookUrlEnv)";
      url = environment.apply(variable.trim());
      if (blank(url)) {
        throw ApplicationFailure.newNonRetryableFailure(where + " is not set on the worker: export the"
            + " webhook URL in the worker's environment and restart it", INVALID);
      }
    }
    try {
      URI uri = new URI(url.trim());
      if (uri.getHost() == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
        throw new URISyntaxException(url, "not an absolute http(s) URL");
      }
      return uri;
    } catch (URISyntaxException e) {
      // The value may be a secret: describe it, never quote it.
      throw ApplicationFailure.newNonRetryableFailure(where + " is not an absolute http(s) URL: set it to"
          + " the incoming webhook URL, e.g. https://hooks.slack.com/services/...", INVALID);
    }
  }

  /** Slack's escaping for text: only these three characters. */
  static String escape(String text) {
    return text == null ? "" : text.trim().replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static String cut(String text) {
    return text.length() <= MAX_SECTION ? text : text.substring(0, MAX_SECTION - 1) + "…";
  }

  private static String join(String separator, String a, String b) {
    return a.isEmpty() ? b : b.isEmpty() ? a : a + separator + b;
  }

  private static String quote(String text) {
    return HttpClients.flatten(text, MAX_QUOTED);
  }

  private static boolean blank(String text) {
    return text == null || text.isBlank();
  }
}
