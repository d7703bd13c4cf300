package dev.gantry.activities.cab;

import static dev.gantry.workflows.api.cab.ChangeBoardActivities.INVALID_POLICY;
import static dev.gantry.workflows.api.cab.ChangeBoardActivities.REFUSED;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.workflows.api.artifact.Sha256;
import dev.gantry.workflows.api.cab.CabDecision;
import dev.gantry.workflows.api.cab.CabPolicy;
import dev.gantry.workflows.api.cab.ChangeRequest;
import dev.gantry.workflows.api.cab.ChangeTicket;
import dev.gantry.workflows.api.cab.CloseChangeRequest;
import io.temporal.failure.ApplicationFailure;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * ServiceNow, through its Change Management REST API ({@code /api/sn_chg_rest/change}), with a bearer
 * token (OAuth) read from the environment variable named by {@code cab.tokenEnv}.
 *
 * <ul>
 *   <li><b>open</b>: {@code GET /api/sn_chg_rest/change?sysparm_query=correlation_id=<key>^active=true}
 *       first; if an open change carries the release's correlation key it is returned, else
 *       {@code POST /api/sn_chg_rest/change/normal} creates a normal change with {@code short_description},
 *       {@code description}, {@code assignment_group}, {@code correlation_id} and
 *       {@code correlation_display = Gantry}. The key is {@code releaseId/environment}; keys longer than
 *       ServiceNow's 100-character {@code correlation_id} become {@code gantry-sha256:<first 40 hex>} of the
 *       key, so the search always finds what was created.</li>
 *   <li><b>decision</b>: {@code GET /api/sn_chg_rest/change/{sys_id}}; {@code approval = rejected} or
 *       {@code cancelled}, or {@code state = 4} (Canceled, even after an approval), is REJECTED;
 *       {@code approval = approved} is APPROVED; anything else ({@code requested}, {@code not requested}, {@code not_required}) is
 *       PENDING: Gantry waits for an explicit approval. The individual approvers are in the change's
 *       approval history in ServiceNow; {@code decidedBy} names the change.</li>
 *   <li><b>close</b>: {@code PATCH /api/sn_chg_rest/change/{sys_id}}, walking the normal change state
 *       model one step at a time: Scheduled (-2) → Implement (-1) → Review (0) → Closed (3), each step
 *       carrying {@code close_code} ({@code successful} | {@code unsuccessful}) and {@code close_notes}. A
 *       change not yet authorized (New -5, Assess -4, Authorize -3) is canceled (state 4) instead: it was
 *       never carried out. A change already Closed or Canceled is left as it is.</li>
 * </ul>
 * Every answer of this API is {@code {"result": ...}} with each field as
 * {@code {"value": ..., "display_value": ...}}; plain string fields are accepted too.
 */
public class ServiceNowChangeBoard implements ChangeBoardAdapter {
  static final String BOARD = "ServiceNow";
  static final int CORRELATION_ID_MAX = 100;
  static final String STATE_NEW = "-5";
  static final String STATE_ASSESS = "-4";
  static final String STATE_AUTHORIZE = "-3";
  static final String STATE_SCHEDULED = "-2";
  static final String STATE_IMPLEMENT = "-1";
  static final String STATE_REVIEW = "0";
  static final String STATE_CLOSED = "3";
  static final String STATE_CANCELED = "4";

  private final CabHttp http;

  public ServiceNowChangeBoard(Function<String, String> environment) {
    this(CabHttp.defaultClient(), Duration.ofSeconds(30), environment);
  }

  public ServiceNowChangeBoard(HttpClient client, Duration requestTimeout,
      Function<String, String> environment) {
    this.http = new CabHttp(client, requestTimeout, environment);
  }

  @Override
  public String type() {
    return CabPolicy.SERVICENOW;
  }

  @Override
  public ChangeTicket openChange(ChangeRequest request) {
    if (blank(request.releaseId()) || blank(request.environment())) {
      throw ApplicationFailure.newNonRetryableFailure("a change request needs releaseId and environment:"
          + " they are the correlation key that keeps the change unique", INVALID_POLICY);
    }
    CabPolicy policy = request.policy();
    String base = CabHttp.baseUrl(policy);
    String token = http.token(policy, true);
    String correlationId = correlationId(request.correlationId());

    // In an encoded query '^' separates terms; a literal '^' in a value is written '^^'.
    String query = "correlation_id=" + correlationId.replace("^", "^^")
        + "^active=true^ORDERBYsys_created_on";
    JsonNode found = http.send(BOARD, "GET", base + "/api/sn_chg_rest/change?sysparm_query="
        + URLEncoder.encode(query, StandardCharsets.UTF_8), token, null, Map.of());
    JsonNode existing = found == null ? null : found.path("result");
    if (existing != null && existing.isArray() && !existing.isEmpty()) {
      return ticket(base, existing.get(0), "GET /api/sn_chg_rest/change");
    }

    Map<String, Object> body = new LinkedHashMap<>();
    body.put("short_description", "Deploy " + request.application() + " " + request.version() + " to "
        + request.environment());
    body.put("description", description(request));
    if (!blank(policy.assignmentGroup())) {
      body.put("assignment_group", policy.assignmentGroup().trim());
    }
    body.put("correlation_id", correlationId);
    body.put("correlation_display", "Gantry");
    JsonNode created = http.send(BOARD, "POST", base + "/api/sn_chg_rest/change/normal", token, body,
        Map.of());
    return ticket(base, created == null ? null : created.path("result"),
        "POST /api/sn_chg_rest/change/normal");
  }

  @Override
  public CabDecision readDecision(ChangeTicket ticket, CabPolicy policy) {
    String base = CabHttp.baseUrl(policy);
    JsonNode change = read(base, sysId(ticket), http.token(policy, true));
    String approval = value(change, "approval").toLowerCase(Locale.ROOT);
    String state = value(change, "state");
    String number = blank(ticket.number()) ? ticket.id() : ticket.number();
    String reason = "approval=" + display(change, "approval") + ", state=" + display(change, "state")
        + " (" + state + ") in " + number;
    if (approval.equals("rejected") || approval.equals("cancelled") || state.equals(STATE_CANCELED)) {
      return new CabDecision(CabDecision.REJECTED, BOARD + " change " + number, reason);
    }
    if (approval.equals("approved")) {
      return new CabDecision(CabDecision.APPROVED, BOARD + " change " + number, reason);
    }
    return CabDecision.pending(reason);
  }

  @Override
  public ChangeTicket closeChange(CloseChangeRequest request) {
    CabPolicy policy = request.policy();
    String base = CabHttp.baseUrl(policy);
    String token = http.token(policy, true);
    String sysId = sysId(request.ticket());
    String url = base + "/api/sn_chg_rest/change/" + sysId;
    String notes = blank(request.notes())
        ? (request.successful() ? "Deployed by Gantry." : "Deployment by Gantry did not succeed.")
        : request.notes();
    String closeCode = request.successful() ? "successful" : "unsuccessful";

    String state = value(read(base, sysId, token), "state");
    // At most: Scheduled -> Implement -> Review -> Closed. A state that does not move is a refusal.
    for (int step = 0; step < 4; step++) {
      String next = switch (state) {
        case STATE_CLOSED, STATE_CANCELED -> null;
        case STATE_NEW, STATE_ASSESS, STATE_AUTHORIZE -> STATE_CANCELED;
        case STATE_SCHEDULED -> STATE_IMPLEMENT;
        case STATE_IMPLEMENT -> STATE_REVIEW;
        case STATE_REVIEW -> STATE_CLOSED;
        default -> throw ApplicationFailure.newNonRetryableFailure(BOARD + " change "
            + request.ticket().number() + " is in state '" + state + "', which the normal change model does not know: close it in"
            + " ServiceNow", REFUSED);
      };
      if (next == null) {
        return request.ticket();
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("state", next);
      body.put("close_code", closeCode);
      body.put("close_notes", notes);
      JsonNode answer = http.send(BOARD, "PATCH", url, token, body, Map.of());
      String reached = answer == null ? "" : value(answer.path("result"), "state");
      if (reached.equals(state)) {
        throw ApplicationFailure.newNonRetryableFailure(BOARD + " kept change " + request.ticket().number()
            + " in state " + state + " when asked to move it to " + next + ": close it in ServiceNow",
            REFUSED);
      }
      state = reached.isEmpty() ? next : reached;
    }
    return request.ticket();
  }

  private JsonNode read(String base, String sysId, String token) {
    JsonNode answer = http.send(BOARD, "GET", base + "/api/sn_chg_rest/change/" + sysId, token, null,
        Map.of());
    JsonNode change = answer == null ? null : answer.path("result");
    if (change == null || !change.isObject()) {
      throw ApplicationFailure.newNonRetryableFailure(BOARD + " answered GET /api/sn_chg_rest/change/"
          + sysId + " without a \"result\" object", REFUSED);
    }
    return change;
  }

  private static ChangeTicket ticket(String base, JsonNode change, String call) {
    String sysId = change == null ? "" : value(change, "sys_id");
    if (sysId.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure(BOARD + " answered " + call + " without"
          + " result.sys_id: " + CabHttp.quote(String.valueOf(change)), REFUSED);
    }
    String number = value(change, "number");
    return new ChangeTicket(sysId, number.isEmpty() ? sysId : number,
        base + "/nav_to.do?uri=change_request.do%3Fsys_id%3D" + sysId, CabPolicy.SERVICENOW);
  }

  private static String sysId(ChangeTicket ticket) {
    String id = ticket == null ? null : ticket.id();
    if (id == null || !id.matches("[0-9A-Za-z]{1,64}")) {
      throw ApplicationFailure.newNonRetryableFailure("the change ticket has no ServiceNow sys_id (got '"
          + id + "'): pass the ticket returned by openChange", INVALID_POLICY);
    }
    return id;
  }

  /** A field's value, whether the API sent {@code {"value": ...}} or a plain string. */
  static String value(JsonNode record, String field) {
    JsonNode node = record.path(field);
    if (node.isObject()) {
      node = node.path("value");
    }
    return node.isValueNode() ? node.asText("") : "";
  }

  private static String display(JsonNode record, String field) {
    JsonNode node = record.path(field);
    if (node.isObject() && node.path("display_value").isValueNode()) {
      return node.path("display_value").asText("");
    }
    return value(record, field);
  }

  /** The release's correlation key, shortened by hashing if ServiceNow's field could not hold it. */
  static String correlationId(String key) {
    if (key.length() <= CORRELATION_ID_MAX) {
      return key;
    }
    return "gantry-sha256:" + Sha256.hex(key).substring(0, 40);
  }

  private static String description(ChangeRequest request) {
    StringBuilder text = new StringBuilder();
    if (!blank(request.description())) {
      text.append(request.description().trim()).append("\n\n");
    }
    text.append("Release: ").append(request.releaseId()).append('\n')
        .append("Application: ").append(request.application()).append('\n')
        .append("Version: ").append(request.version()).append('\n')
        .append("Environment: ").append(request.environment()).append('\n')
        .append("Artifact: ").append(request.artifactDigest()).append('\n')
        .append("Requested by: ").append(request.requestedBy()).append('\n')
        .append("Opened by Gantry; the deployment waits for this change's approval.");
    return text.toString();
  }

  private static boolean blank(String text) {
    return text == null || text.isBlank();
  }
}
