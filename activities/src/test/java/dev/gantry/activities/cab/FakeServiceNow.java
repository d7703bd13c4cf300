package dev.gantry.activities.cab;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ServiceNow's Change Management API as documented, kept in memory: {@code {"result": ...}} envelopes,
 * fields as {@code {"value", "display_value"}}, bearer authentication, ServiceNow's error bodies, and the
 * normal change state model (Scheduled → Implement → Review → Closed, Canceled from any open state).
 */
class FakeServiceNow implements RecordingServer.Handler, AutoCloseable {
  static final String TOKEN = "sn-token-4f1c";
  private static final Pattern ONE_CHANGE = Pattern.compile("/api/sn_chg_rest/change/([0-9a-f]{32})");
  private static final Map<String, String> STATE_NAMES = Map.of(
      "-5", "New", "-4", "Assess", "-3", "Authorize", "-2", "Scheduled", "-1", "Implement", "0", "Review",
      "3", "Closed", "4", "Canceled");
  private static final Map<String, String> NEXT = Map.of("-2", "-1", "-1", "0", "0", "3");

  final Map<String, Map<String, String>> changes = new LinkedHashMap<>();
  final RecordingServer server;
  /** When set, every request is answered with this instead. */
  volatile RecordingServer.Answer outage;
  private int numbers = 30000;

  FakeServiceNow() throws IOException {
    server = new RecordingServer(this);
  }

  String url() {
    return server.url();
  }

  List<RecordingServer.Request> requests() {
    return List.copyOf(server.requests);
  }

  /** Puts a change in place, as if a person had created it, and returns its sys_id. */
  synchronized String seed(String correlationId, String state, String approval) {
    String sysId = String.format("%032x", changes.size() + 0xabc000L);
    Map<String, String> change = new LinkedHashMap<>();
    change.put("sys_id", sysId);
    change.put("number", "CHG00" + numbers++);
    change.put("correlation_id", correlationId);
    change.put("state", state);
    change.put("approval", approval);
    change.put("active", Set.of("3", "4").contains(state) ? "false" : "true");
    changes.put(sysId, change);
    return sysId;
  }

  synchronized void set(String sysId, String field, String value) {
    changes.get(sysId).put(field, value);
    if (field.equals("state")) {
      changes.get(sysId).put("active", Set.of("3", "4").contains(value) ? "false" : "true");
    }
  }

  @Override
  public synchronized RecordingServer.Answer handle(RecordingServer.Request request) {
    if (outage != null) {
      return outage;
    }
    if (!("Bearer " + TOKEN).equals(request.authorization())) {
      return new RecordingServer.Answer(401, "{\"error\":{\"message\":\"User Not Authenticated\","
          + "\"detail\":\"Required to provide Auth information\"},\"status\":\"failure\"}");
    }
    String path = request.path();
    if (path.equals("/api/sn_chg_rest/change") && request.method().equals("GET")) {
      return list(request.query());
    }
    if (path.equals("/api/sn_chg_rest/change/normal") && request.method().equals("POST")) {
      String sysId = seed(request.body().path("correlation_id").asText(), "-5", "not requested");
      request.body().properties().forEach(f -> changes.get(sysId).putIfAbsent(f.getKey(),
          f.getValue().asText()));
      changes.get(sysId).put("type", "normal");
      return ok(record(changes.get(sysId)));
    }
    Matcher one = ONE_CHANGE.matcher(path);
    if (one.matches()) {
      Map<String, String> change = changes.get(one.group(1));
      if (change == null) {
        return new RecordingServer.Answer(404, "{\"error\":{\"message\":\"No Record found\",\"detail\":"
            + "\"Record doesn't exist or ACL restricts the record retrieval\"},\"status\":\"failure\"}");
      }
      if (request.method().equals("GET")) {
        return ok(record(change));
      }
      if (request.method().equals("PATCH")) {
        String to = request.body().path("state").asText(null);
        String from = change.get("state");
        boolean allowed = to == null || to.equals(NEXT.get(from))
            || (to.equals("4") && !Set.of("3", "4").contains(from));
        if (!allowed) {
          return new RecordingServer.Answer(400, "{\"error\":{\"message\":\"Invalid state transition\","
              + "\"detail\":\"Cannot move from " + from + " to " + to + "\"},\"status\":\"failure\"}");
        }
        request.body().properties().forEach(f -> change.put(f.getKey(), f.getValue().asText()));
        set(one.group(1), "state", change.get("state"));
        return ok(record(change));
      }
    }
    return new RecordingServer.Answer(400, "{\"error\":{\"message\":\"Requested URI does not represent"
        + " any resource\"},\"status\":\"failure\"}");
  }

  /** {@code correlation_id=X^active=true^ORDERBYsys_created_on}, the only query shape Gantry sends. */
  private RecordingServer.Answer list(String query) {
    String encoded = query.substring(query.indexOf("sysparm_query=") + "sysparm_query=".length());
    List<ObjectNode> found = new ArrayList<>();
    for (Map<String, String> change : changes.values()) {
      boolean all = true;
      for (String term : encoded.split("\\^")) {
        if (term.startsWith("ORDERBY")) {
          continue;
        }
        String[] kv = term.split("=", 2);
        all &= kv[1].equals(change.getOrDefault(kv[0], ""));
      }
      if (all) {
        found.add(record(change));
      }
    }
    ObjectNode envelope = RecordingServer.JSON.createObjectNode();
    envelope.putArray("result").addAll(found);
    return new RecordingServer.Answer(200, envelope.toString());
  }

  private static ObjectNode record(Map<String, String> change) {
    ObjectNode record = RecordingServer.JSON.createObjectNode();
    change.forEach((field, value) -> {
      ObjectNode pair = record.putObject(field);
      pair.put("value", value);
      pair.put("display_value", field.equals("state") ? STATE_NAMES.getOrDefault(value, value)
          : field.equals("approval") ? capitalize(value) : value);
    });
    return record;
  }

  private static String capitalize(String text) {
    return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
  }

  private static RecordingServer.Answer ok(ObjectNode result) {
    ObjectNode envelope = RecordingServer.JSON.createObjectNode();
    envelope.set("result", result);
    return new RecordingServer.Answer(200, envelope.toString());
  }

  @Override
  public void close() {
    server.close();
  }
}
