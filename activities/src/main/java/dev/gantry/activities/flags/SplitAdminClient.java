package dev.gantry.activities.flags;

import static dev.gantry.workflows.api.flags.FeatureFlagActivities.CREDENTIAL_MISSING;
import static dev.gantry.workflows.api.flags.FeatureFlagActivities.INVALID_SETTINGS;
import static dev.gantry.workflows.api.flags.FeatureFlagActivities.NOT_FOUND;
import static dev.gantry.workflows.api.flags.FeatureFlagActivities.REFUSED;
import static dev.gantry.workflows.api.flags.FeatureFlagActivities.UNAVAILABLE;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.activities.support.HttpClients;
import dev.gantry.workflows.api.flags.Allocation;
import dev.gantry.workflows.api.flags.FlagState;
import dev.gantry.workflows.api.flags.SplitSettings;
import io.temporal.failure.ApplicationFailure;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The Split Admin API (v2), the parts Gantry uses:
 * <ul>
 *   <li>{@code GET /splits/ws/{ws}/environments/{env}?limit=50&offset=N}: the environment's flag
 *       definitions, 50 per page ({@code objects}, {@code offset}, {@code limit}, {@code totalCount});</li>
 *   <li>{@code PATCH /splits/ws/{ws}/{flag}/environments/{env}} with a JSON Patch body:
 *       {@code [{"op":"replace","path":"/defaultRule","value":[{"treatment":"on","size":10},...]}]};</li>
 *   <li>{@code PUT /splits/ws/{ws}/{flag}/environments/{env}/kill} ("Kill feature flag in environment"; Split
 *       documents no JSON Patch of {@code /killed}), then {@code GET /splits/ws/{ws}/{flag}/environments/{env}}
 *       for the definition as it now is.</li>
 * </ul>
 * Authentication: {@code Authorization: Bearer <admin API key>}, the key read from the worker's
 * environment variable that {@link SplitSettings#adminApiKeyEnv()} names. Failures: 429, 5xx, 408 and
 * network errors are {@code FlagServiceUnavailable} (retryable); 404 is {@code FlagNotFound}; other 4xx
 * are {@code FlagChangeRefused}; neither is retried. Redirects are not followed (the key stays with
 * Split), and the key never travels over plain http except to the local machine.
 */
public final class SplitAdminClient {
  static final ObjectMapper JSON = new ObjectMapper();
  static final int PAGE_SIZE = 50;
  private static final int MAX_QUOTED = 300;

  private final HttpClient http;
  private final Duration requestTimeout;
  private final Function<String, String> environment;

  public SplitAdminClient(HttpClient http, Duration requestTimeout, Function<String, String> environment) {
    this.http = http;
    this.requestTimeout = requestTimeout;
    this.environment = environment;
  }

  public static SplitAdminClient standard(Function<String, String> environment) {
    return new SplitAdminClient(HttpClients.create(Duration.ofSeconds(10), HttpClient.Redirect.NEVER),
        Duration.ofSeconds(30), environment);
  }

  /** Every flag defined in the environment, page by page. */
  public List<FlagState> listFlags(SplitSettings split) {
    String key = key(split);
    List<FlagState> flags = new ArrayList<>();
    int offset = 0;
    while (true) {
      String url = base(split) + "/splits/ws/" + segment(split.workspaceId()) + "/environments/"
          + segment(split.environment()) + "?limit=" + PAGE_SIZE + "&offset=" + offset;
      JsonNode page = send("GET", url, key, null);
      JsonNode objects = page == null ? null : page.get("objects");
      if (objects == null || !objects.isArray()) {
        throw ApplicationFailure.newNonRetryableFailure("Split answered GET " + withoutQuery(url)
            + " without an 'objects' list: " + quote(String.valueOf(page)), REFUSED);
      }
      objects.forEach(object -> flags.add(flag(object)));
      long total = page.path("totalCount").asLong(-1);
      offset += objects.size();
      if (objects.size() < PAGE_SIZE || (total >= 0 && offset >= total) || objects.isEmpty()) {
        return flags;
      }
    }
  }

  /** Replaces the default rule (sizes must add up to 100); idempotent. */
  public FlagState setDefaultRule(SplitSettings split, String flag, List<Allocation> rule) {
    if (rule == null || rule.isEmpty() || rule.stream().mapToInt(Allocation::size).sum() != 100
        || rule.stream().anyMatch(a -> a.size() < 0 || a.treatment() == null || a.treatment().isBlank())) {
      throw ApplicationFailure.newNonRetryableFailure("the default rule of " + flag + " must give every"
          + " treatment a size from 0 to 100, adding up to 100 (got " + Allocation.describe(rule) + ")",
          INVALID_SETTINGS);
    }
    List<Bucket> value = rule.stream().map(a -> new Bucket(a.treatment(), a.size())).toList();
    return patch(split, flag, List.of(new PatchOperation("replace", "/defaultRule", value)));
  }

  /** Kills the flag (everyone gets its default treatment); killing a killed flag changes nothing. */
  public FlagState kill(SplitSettings split, String flag) {
    String key = key(split);
    String url = flagUrl(split, flag);
    send("PUT", url + "/kill", key, new KillComment("killed by Gantry"));
    JsonNode answer = send("GET", url, key, null);
    if (answer == null || !answer.has("name")) {
      throw ApplicationFailure.newNonRetryableFailure("Split answered GET " + url
          + " without the flag's definition: " + quote(String.valueOf(answer)), REFUSED);
    }
    return flag(answer);
  }

  /** The optional body of a kill: a comment for Split's audit log. */
  record KillComment(String comment) {}

  private String flagUrl(SplitSettings split, String flag) {
    if (flag == null || flag.isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure("no flag name given", INVALID_SETTINGS);
    }
    return base(split) + "/splits/ws/" + segment(split.workspaceId()) + "/" + segment(flag)
        + "/environments/" + segment(split.environment());
  }

  /** One JSON Patch (RFC 6902) operation, fields in the documented order. */
  record PatchOperation(String op, String path, Object value) {}

  /** One bucket of a default rule as Split writes it. */
  record Bucket(String treatment, int size) {}

  private FlagState patch(SplitSettings split, String flag, List<PatchOperation> operations) {
    String key = key(split);
    String url = flagUrl(split, flag);
    JsonNode answer = send("PATCH", url, key, operations);
    if (answer == null || !answer.has("name")) {
      throw ApplicationFailure.newNonRetryableFailure("Split answered PATCH " + url
          + " without the flag's definition: " + quote(String.valueOf(answer)), REFUSED);
    }
    return flag(answer);
  }

  static FlagState flag(JsonNode object) {
    List<Allocation> rule = new ArrayList<>();
    object.path("defaultRule").forEach(a -> rule.add(new Allocation(a.path("treatment").asText(),
        a.path("size").asInt())));
    return new FlagState(object.path("name").asText(), object.path("killed").asBoolean(false),
        object.path("defaultTreatment").isMissingNode() ? null : object.path("defaultTreatment").asText(),
        rule, object.path("lastUpdateTime").isNumber() ? object.path("lastUpdateTime").asLong() : null);
  }

  private String key(SplitSettings split) {
    if (split == null || blank(split.workspaceId()) || blank(split.environment())) {
      throw ApplicationFailure.newNonRetryableFailure("flags.split needs 'workspaceId' and 'environment'"
          + " (the Split workspace id and the Split environment id or name)", INVALID_SETTINGS);
    }
    if (blank(split.adminApiKeyEnv())) {
      throw ApplicationFailure.newNonRetryableFailure("flags.split.adminApiKeyEnv is missing: set it to the"
          + " name of the worker's environment variable that holds a Split Admin API key (e.g."
          + " SPLIT_ADMIN_API_KEY); never put the key itself in config.yaml", INVALID_SETTINGS);
    }
    String key = environment.apply(split.adminApiKeyEnv().trim());
    if (blank(key)) {
      throw ApplicationFailure.newNonRetryableFailure("environment variable " + split.adminApiKeyEnv().trim()
          + " (named by flags.split.adminApiKeyEnv) is not set on the worker: export a Split Admin API key"
          + " there and restart the worker", CREDENTIAL_MISSING);
    }
    return key.trim();
  }

  private static String base(SplitSettings split) {
    String url = split.adminUrlOrDefault().trim();
    while (url.endsWith("/")) {
      url = url.substring(0, url.length() - 1);
    }
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      uri = null;
    }
    if (uri == null || uri.getHost() == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
      throw ApplicationFailure.newNonRetryableFailure("flags.split.adminUrl is '" + split.adminUrl()
          + "': leave it out (" + SplitSettings.DEFAULT_ADMIN_URL + ") or give an absolute https URL", INVALID_SETTINGS);
    }
    if ("http".equals(uri.getScheme()) && !HttpClients.isLoopback(uri.getHost())) {
      throw ApplicationFailure.newNonRetryableFailure("flags.split.adminUrl " + url + " is plain http: the"
          + " admin key would travel in clear; use https", INVALID_SETTINGS);
    }
    return url;
  }

  private JsonNode send(String method, String url, String key, Object body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
        .timeout(requestTimeout)
        .header("Accept", "application/json")
        .header("Authorization", "Bearer " + key);
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request.header("Content-Type", "application/json");
      try {
        request.method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
    String what = method + " " + withoutQuery(url);
    HttpResponse<String> response = HttpClients.send(http, request.build(), "Split", what, UNAVAILABLE);
    int status = response.statusCode();
    String text = response.body() == null ? "" : response.body();
    if (status == 429) {
      String reset = response.headers().firstValue("X-RateLimit-Reset-Seconds-Org")
          .or(() -> response.headers().firstValue("Retry-After")).orElse(null);
      throw ApplicationFailure.newFailure("Split rate-limited " + what + " (429"
          + (reset == null ? "" : ", resets in " + reset + " s") + "); will retry", UNAVAILABLE);
    }
    if (status >= 500 || status == 408) {
      throw ApplicationFailure.newFailure("Split answered " + status + " to " + what + ": " + quote(text)
          + "; will retry", UNAVAILABLE);
    }
    if (status == 404) {
      throw ApplicationFailure.newNonRetryableFailure("Split answered 404 to " + what + ": " + quote(text)
          + " (is the flag defined in that environment? are workspaceId and environment right?)", NOT_FOUND);
    }
    if (status < 200 || status > 299) {
      throw ApplicationFailure.newNonRetryableFailure("Split answered " + status + " to " + what + ": "
          + quote(text) + hint(status), REFUSED);
    }
    return HttpClients.json(JSON, text, "Split answered " + what, MAX_QUOTED, REFUSED);
  }

  private static String hint(int status) {
    return switch (status) {
      case 401 -> " (the admin API key is wrong, expired or deleted: check the variable named by flags.split.adminApiKeyEnv)";
      case 403 -> " (the admin API key has no access to this workspace or environment)";
      case 400, 422 -> " (Split refused the change itself: check the flag's treatments)";
      default -> "";
    };
  }

  static String segment(String value) {
    return URLEncoder.encode(value.trim(), StandardCharsets.UTF_8).replace("+", "%20");
  }

  static String quote(String text) {
    String flat = HttpClients.flatten(text, MAX_QUOTED);
    return flat.isEmpty() ? "(empty body)" : flat;
  }

  private static String withoutQuery(String url) {
    int q = url.indexOf('?');
    return q < 0 ? url : url.substring(0, q);
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
