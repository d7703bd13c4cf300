package dev.gantry.activities.cab;

import static dev.gantry.workflows.api.cab.ChangeBoardActivities.CREDENTIAL_MISSING;
import static dev.gantry.workflows.api.cab.ChangeBoardActivities.INVALID_POLICY;
import static dev.gantry.workflows.api.cab.ChangeBoardActivities.REFUSED;
import static dev.gantry.workflows.api.cab.ChangeBoardActivities.UNAVAILABLE;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.activities.support.HttpClients;
import dev.gantry.workflows.api.cab.CabPolicy;
import io.temporal.failure.ApplicationFailure;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

/**
 * JSON over HTTP for the change board adapters, with the failure rules of the port: 5xx, 408, 429 and
 * network errors or timeouts are retryable ({@code ChangeBoardUnavailable}); any other non-2xx is
 * non-retryable ({@code ChangeBoardRefused}) and quotes the board's answer. Redirects are not followed, so
 * the bearer token never travels to another host; a token is never sent over plain HTTP except to the
 * local machine.
 */
final class CabHttp {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_QUOTED = 500;

  private final HttpClient client;
  private final Duration requestTimeout;
  private final Function<String, String> environment;

  CabHttp(HttpClient client, Duration requestTimeout, Function<String, String> environment) {
    this.client = client;
    this.requestTimeout = requestTimeout;
    this.environment = environment;
  }

  static HttpClient defaultClient() {
    return HttpClients.create(Duration.ofSeconds(10), HttpClient.Redirect.NEVER);
  }

  /**
   * The bearer token from the environment variable the policy names, or null when {@code required} is
   * false and the policy names none.
   */
  String token(CabPolicy policy, boolean required) {
    String variable = policy.tokenEnv();
    if (variable == null || variable.isBlank()) {
      if (!required) {
        return null;
      }
      throw ApplicationFailure.newNonRetryableFailure("cab.tokenEnv is missing: set it to the name of the"
          + " worker's environment variable that holds the " + policy.type() + " token (e.g."
          + " SERVICENOW_TOKEN); never put the token itself in config.yaml", INVALID_POLICY);
    }
    String token = environment.apply(variable.trim());
    if (token == null || token.isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure("environment variable " + variable.trim()
          + " (named by cab.tokenEnv) is not set on the worker: export the " + policy.type() + " token"
          + " in the worker's environment and restart it", CREDENTIAL_MISSING);
    }
    return token.trim();
  }

  /** The policy's URL without a trailing slash, checked to be an absolute http(s) URL. */
  static String baseUrl(CabPolicy policy) {
    String url = policy.url() == null ? "" : policy.url().trim();
    while (url.endsWith("/")) {
      url = url.substring(0, url.length() - 1);
    }
    try {
      URI uri = new URI(url);
      if (uri.getHost() == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
        throw new URISyntaxException(url, "not an absolute http(s) URL");
      }
    } catch (URISyntaxException e) {
      throw ApplicationFailure.newNonRetryableFailure("cab.url is '" + policy.url() + "': set it to the "
          + policy.type() + " base URL, e.g. https://acme.service-now.com", INVALID_POLICY);
    }
    return url;
  }

  /** Sends a request and returns the parsed JSON answer (null for an empty 2xx body). */
  JsonNode send(String board, String method, String url, String token, Object body,
      Map<String, String> headers) {
    URI uri = URI.create(url);
    if (token != null && "http".equals(uri.getScheme()) && !HttpClients.isLoopback(uri.getHost())) {
      throw ApplicationFailure.newNonRetryableFailure("cab.url " + uri.getScheme() + "://" + uri.getHost()
          + " is plain http: the token would travel in clear; use https", INVALID_POLICY);
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(uri)
        .timeout(requestTimeout)
        .header("Accept", "application/json");
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    headers.forEach(request::header);
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request.header("Content-Type", "application/json");
      request.method(method, HttpRequest.BodyPublishers.ofByteArray(toJson(body)));
    }
    String what = method + " " + withoutQuery(uri);
    HttpResponse<String> response = HttpClients.send(client, request.build(), board, what, UNAVAILABLE);
    int status = response.statusCode();
    String text = response.body() == null ? "" : response.body();
    if (status >= 500 || status == 408 || status == 429) {
      throw ApplicationFailure.newFailure(board + " answered " + status + " to " + what + ": "
          + quote(text) + "; will retry", UNAVAILABLE);
    }
    if (status < 200 || status > 299) {
      throw ApplicationFailure.newNonRetryableFailure(board + " answered " + status + " to " + what + ": "
          + quote(text) + hint(status), REFUSED);
    }
    return HttpClients.json(JSON, text, board + " answered " + status + " to " + what, MAX_QUOTED, REFUSED);
  }

  private static String hint(int status) {
    return switch (status) {
      case 401 -> " (check the token in the variable named by cab.tokenEnv: it is wrong or expired)";
      case 403 -> " (the token's user lacks the roles to create, read or update change requests)";
      case 404 -> " (check cab.url, and that the change still exists)";
      default -> "";
    };
  }

  static String quote(String text) {
    String flat = HttpClients.flatten(text, MAX_QUOTED);
    return flat.isEmpty() ? "(empty body)" : flat;
  }

  private static byte[] toJson(Object body) {
    try {
      return JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the request body as JSON", e);
    }
  }

  private static String withoutQuery(URI uri) {
    return uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath();
  }
}
