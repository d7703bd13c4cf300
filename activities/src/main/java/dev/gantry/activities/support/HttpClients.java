package dev.gantry.activities.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The JDK HTTP client as the adapters use it (webhooks, the change board, Split, CloudWatch, metrics, health URLs,
 * OCI registries), and what the JSON peers share: sending with the failures Temporal retries, reading the answer,
 * whether a host is this machine, and how much of a peer's answer a message may quote.
 */
public final class HttpClients {
  private HttpClients() {}

  /**
   * A client that gives up connecting after {@code connectTimeout}. Each request sets its own timeout. Redirects
   * are the caller's choice: most peers get {@link HttpClient.Redirect#NEVER}, so a token never follows a
   * redirect to another host.
   */
  public static HttpClient create(Duration connectTimeout, HttpClient.Redirect redirects) {
    return HttpClient.newBuilder().connectTimeout(connectTimeout).followRedirects(redirects).build();
  }

  /**
   * Sends the request and reads the answer as UTF-8 text. A network error, a timeout or an interruption is a
   * retryable failure of type {@code unavailable}: {@code <peer> could not be reached for <what> (...); will retry}.
   */
  public static HttpResponse<String> send(HttpClient client, HttpRequest request, String peer, String what,
      String unavailable) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw ApplicationFailure.newFailure(peer + " could not be reached for " + what + " (" + e + "); will retry",
          unavailable);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure(peer + " request " + what + " was interrupted", unavailable);
    }
  }

  /**
   * A successful answer as JSON, or null when it is empty. An answer that is not JSON is refused (not retried:
   * the peer would say the same again), quoting at most {@code maxQuoted} characters of it.
   *
   * @param answered how the message starts, e.g. {@code Split answered GET /splits}
   */
  public static JsonNode json(ObjectMapper mapper, String text, String answered, int maxQuoted, String refused) {
    if (text.isBlank()) {
      return null;
    }
    try {
      return mapper.readTree(text);
    } catch (JsonProcessingException e) {
      throw ApplicationFailure.newNonRetryableFailure(answered + " with something that is not JSON: "
          + flatten(text, maxQuoted), refused);
    }
  }

  /**
   * True for {@code localhost} and literal loopback addresses: where a secret may travel over plain http.
   * No DNS lookup decides whether a token may travel in clear.
   */
  public static boolean isLoopback(String host) {
    if (host == null) {
      return false;
    }
    if (host.equals("localhost")) {
      return true;
    }
    try {
      return (host.matches("[0-9.]+") || host.startsWith("["))
          && InetAddress.getByName(host.replace("[", "").replace("]", "")).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** A peer's answer on one line, cut after {@code max} characters; empty for none. */
  public static String flatten(String body, int max) {
    String flat = body == null ? "" : body.replaceAll("\\s+", " ").trim();
    return flat.length() <= max ? flat : flat.substring(0, max) + "...";
  }
}
