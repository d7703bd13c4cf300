package dev.gantry.activities.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.gantry.workflows.api.notify.Notification;
import dev.gantry.workflows.api.notify.NotificationReceipt;
import dev.gantry.workflows.api.notify.NotifyActivities;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.GlobalDataConverter;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The notifier against a local server that answers like a Slack incoming webhook. */
class NotifyActivitiesImplTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET_PATH = "/services/T000/B000/XXXXsecretXXXX";

  private HttpServer slack;
  private final List<JsonNode> received = new ArrayList<>();
  private final List<String> contentTypes = new ArrayList<>();
  private volatile int status = 200;
  private volatile String answer = "ok";

  @BeforeEach
  void start() throws IOException {
    slack = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    slack.createContext(SECRET_PATH, exchange -> {
      try (exchange) {
        received.add(JSON.readTree(exchange.getRequestBody().readAllBytes()));
        contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
        byte[] body = answer.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
      }
    });
    slack.start();
  }

  @AfterEach
  void stop() {
    slack.stop(0);
  }

  private String webhook() {
    return "http://127.0.0.1:" + slack.getAddress().getPort() + SECRET_PATH;
  }

  private final NotifyActivities notifier = new NotifyActivitiesImpl(Map.<String, String>of()::get);

  @Test
  void postsSlackBlocksWithTheCommandAndTheLink() throws IOException {
    NotificationReceipt receipt = notifier.send(new Notification(webhook(),
        "hello 1.4.0 waits for approval in production",
        "Requested by dana. Quality gate: coverage 85% >= 80%.",
        "gantry release approve release/hello/1.4.0 --env production",
        "http://localhost:8233/namespaces/default/workflows/release%2Fhello%2F1.4.0",
        List.of("U012AB3CD", "here", "S0614TZR7")));

    assertThat(receipt).isEqualTo(new NotificationReceipt(200, "ok"));
    assertThat(contentTypes).containsExactly("application/json; charset=utf-8");
    assertThat(received).containsExactly(JSON.readTree("""
        {"text": "<@U012AB3CD> <!here> <!subteam^S0614TZR7> hello 1.4.0 waits for approval in production: \
        Requested by dana. Quality gate: coverage 85% &gt;= 80%.",
         "blocks": [
           {"type": "section", "text": {"type": "mrkdwn", "text": "<@U012AB3CD> <!here> <!subteam^S0614TZR7> \
        *hello 1.4.0 waits for approval in production*\\nRequested by dana. Quality gate: coverage 85% &gt;= 80%."}},
           {"type": "section", "text": {"type": "mrkdwn",
            "text": "Command:\\n```gantry release approve release/hello/1.4.0 --env production```"}},
           {"type": "section", "text": {"type": "mrkdwn",
            "text": "<http://localhost:8233/namespaces/default/workflows/release%2Fhello%2F1.4.0|Open the release in the Temporal UI>"}}
         ]}
        """));
  }

  @Test
  void withoutCommandOrLinkOnlyTheMessageIsSentAndTextIsEscaped() {
    notifier.send(new Notification(webhook(), "Release <b>done</b> & dusted", null, null, null,
        List.of("@oncall")));

    JsonNode message = received.get(0);
    assertThat(message.path("blocks")).hasSize(1);
    assertThat(message.path("blocks").get(0).path("text").path("text").asText())
        .isEqualTo("@oncall *Release &lt;b&gt;done&lt;/b&gt; &amp; dusted*");
  }

  @Test
  void theWebhookUrlCanComeFromTheWorkersEnvironment() {
    NotifyActivities fromEnv = new NotifyActivitiesImpl(Map.of("SLACK_WEBHOOK_URL", webhook())::get);

    fromEnv.send(new Notification(null, "Released", "hello 1.4.0 is live", null, null, null,
        "SLACK_WEBHOOK_URL"));

    assertThat(received).hasSize(1);
  }

  @Test
  void anUnsetVariableIsRefusedNonRetryablyNamingIt() {
    ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class, () -> notifier.send(
        new Notification(null, "Released", null, null, null, null, "SLACK_WEBHOOK_URL")));

    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getType()).isEqualTo(NotifyActivities.INVALID);
    assertThat(failure.getOriginalMessage()).contains("SLACK_WEBHOOK_URL").contains("notify.webhookUrlEnv");
    assertThat(received).isEmpty();
  }

  @Test
  void aNon2xxAnswerIsRetryableAndDoesNotLeakTheWebhookSecret() {
    status = 404;
    answer = "no_service";

    ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class, () -> notifier.send(
        new Notification(webhook(), "Released", null, null, null, null)));

    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(failure.getType()).isEqualTo(NotifyActivities.FAILED);
    assertThat(failure.getOriginalMessage()).contains("404").contains("no_service")
        .contains("127.0.0.1").doesNotContain("secret");
  }

  @Test
  void aServerErrorIsRetryable() {
    status = 500;
    answer = "internal_error";

    ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class, () -> notifier.send(
        new Notification(webhook(), "Released", null, null, null, null)));

    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(failure.getOriginalMessage()).contains("500");
  }

  @Test
  void anUnreachableWebhookIsRetryable() {
    String closed = webhook();
    slack.stop(0);

    ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class, () -> notifier.send(
        new Notification(closed, "Released", null, null, null, null)));

    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(failure.getType()).isEqualTo(NotifyActivities.FAILED);
    assertThat(failure.getOriginalMessage()).contains("could not be reached").doesNotContain("secret");
  }

  @Test
  void theNotificationSurvivesTemporalsDataConverterWithAndWithoutTheVariable() {
    DataConverter converter = GlobalDataConverter.get();
    Notification inClear = new Notification("https://hooks.slack.com/services/x", "t", "x", "c", "u",
        List.of("here"));
    Notification byVariable = new Notification(null, "t", null, null, null, null, "SLACK_WEBHOOK_URL");

    assertThat(converter.fromPayloads(0, converter.toPayloads(inClear), Notification.class,
        Notification.class)).isEqualTo(inClear);
    assertThat(converter.fromPayloads(0, converter.toPayloads(byVariable), Notification.class,
        Notification.class)).isEqualTo(byVariable);
  }
}
