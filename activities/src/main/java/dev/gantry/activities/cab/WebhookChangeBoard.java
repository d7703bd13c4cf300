package dev.gantry.activities.cab;

import static dev.gantry.workflows.api.cab.ChangeBoardActivities.INVALID_POLICY;
import static dev.gantry.workflows.api.cab.ChangeBoardActivities.REFUSED;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.workflows.api.cab.CabDecision;
import dev.gantry.workflows.api.cab.CabPolicy;
import dev.gantry.workflows.api.cab.ChangeRequest;
import dev.gantry.workflows.api.cab.ChangeTicket;
import dev.gantry.workflows.api.cab.CloseChangeRequest;
import io.temporal.failure.ApplicationFailure;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A change board behind a small JSON contract, for in-house tools.
 *
 * <p><b>Open</b>: {@code POST {url}} with header {@code Idempotency-Key: <correlationId>} and body
 * <pre>{"correlationId": "release/hello/1.4.0/production", "releaseId": "release/hello/1.4.0",
 *  "application": "hello", "version": "1.4.0", "artifactDigest": "sha256:...",
 *  "environment": "production", "requestedBy": "dana", "description": "..."}</pre>
 * The receiver answers 2xx with {@code {"id": "...", "link": "https://...", "number": "..."}}
 * ({@code number} optional) and must answer the same id for the same {@code correlationId}: the activity
 * is retried.
 *
 * <p><b>Decision</b>: the board does not get polled. It (or a person) sends the release the
 * {@code cabDecision} signal naming the ticket id; {@code readDecision} always answers PENDING.
 *
 * <p><b>Close</b>: {@code POST {url}/close} with body {@code {"id": "...", "successful": true,
 * "notes": "..."}}; any 2xx is accepted, and closing the same id twice must be harmless.
 *
 * <p>Authentication is optional: when {@code cab.tokenEnv} is set, every request carries
 * {@code Authorization: Bearer <token>}. Failures follow the port: 5xx/408/429/timeouts are retried,
 * other 4xx are not.
 */
public class WebhookChangeBoard implements ChangeBoardAdapter {
  static final String BOARD = "the change board webhook";

  private final CabHttp http;

  public WebhookChangeBoard(Function<String, String> environment) {
    this(CabHttp.defaultClient(), Duration.ofSeconds(30), environment);
  }

  public WebhookChangeBoard(HttpClient client, Duration requestTimeout,
      Function<String, String> environment) {
    this.http = new CabHttp(client, requestTimeout, environment);
  }

  @Override
  public String type() {
    return CabPolicy.WEBHOOK;
  }

  @Override
  public ChangeTicket openChange(ChangeRequest request) {
    CabPolicy policy = request.policy();
    String url = CabHttp.baseUrl(policy);
    String token = http.token(policy, false);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("correlationId", request.correlationId());
    body.put("releaseId", request.releaseId());
    body.put("application", request.application());
    body.put("version", request.version());
    body.put("artifactDigest", request.artifactDigest());
    body.put("environment", request.environment());
    body.put("requestedBy", request.requestedBy());
    body.put("description", request.description());
    JsonNode answer = http.send(BOARD, "POST", url, token, body,
        Map.of("Idempotency-Key", request.correlationId()));
    String id = answer == null ? "" : answer.path("id").asText("");
    if (id.isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure(BOARD + " " + url + " accepted the change but"
          + " answered without an \"id\" (got " + CabHttp.quote(String.valueOf(answer)) + "): it must answer"
          + " {\"id\": \"...\", \"link\": \"...\"}", REFUSED);
    }
    String number = answer.path("number").asText("");
    return new ChangeTicket(id, number.isBlank() ? id : number, answer.path("link").asText(null),
        CabPolicy.WEBHOOK);
  }

  @Override
  public CabDecision readDecision(ChangeTicket ticket, CabPolicy policy) {
    return CabDecision.pending("a webhook change board decides by the cabDecision signal");
  }

  @Override
  public ChangeTicket closeChange(CloseChangeRequest request) {
    ChangeTicket ticket = request.ticket();
    if (ticket == null || ticket.id() == null || ticket.id().isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure("closeChange needs the ticket returned by openChange",
          INVALID_POLICY);
    }
    CabPolicy policy = request.policy();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", ticket.id());
    body.put("successful", request.successful());
    body.put("notes", request.notes());
    http.send(BOARD, "POST", CabHttp.baseUrl(policy) + "/close", http.token(policy, false), body, Map.of());
    return ticket;
  }
}
