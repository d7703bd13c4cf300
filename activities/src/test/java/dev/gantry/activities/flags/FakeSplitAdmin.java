package dev.gantry.activities.flags;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Split Admin API v2 as documented, in memory, on 127.0.0.1: {@code Authorization: Bearer <key>}
 * (401 otherwise), {@code GET /internal/api/v2/splits/ws/{ws}/environments/{env}?limit=&offset=} pages
 * ({@code objects, offset, limit, totalCount}; limit at most 50), {@code GET} and {@code PATCH
 * /internal/api/v2/splits/ws/{ws}/{flag}/environments/{env}} (the patch a JSON Patch array; only {@code replace}
 * of {@code /defaultRule} here; sizes must add up to 100, treatments must exist: else 400), {@code PUT} (or the
 * documented alternate {@code POST}) {@code .../environments/{env}/kill}; 404 for a flag not defined in the
 * environment. Exactly Split's documented endpoints: a path Split does not document is 404, a method it does not
 * document on a path is 405, a JSON Patch of a field it does not document (such as {@code /killed}) is 400, so a
 * wrong request fails the test. Planned answers (429, 5xx, 403) can be queued.
 */
final class FakeSplitAdmin implements AutoCloseable {
  static final String KEY = "split-admin-key-7d2e";
  static final String WS = "ws-4f2a";
  static final String ENV = "Production";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LIST = Pattern.compile("/internal/api/v2/splits/ws/([^/]+)/environments/([^/]+)");
  private static final Pattern ONE = Pattern.compile("/internal/api/v2/splits/ws/([^/]+)/([^/]+)/environments/([^/]+)");
  private static final Pattern KILL =
      Pattern.compile("/internal/api/v2/splits/ws/([^/]+)/([^/]+)/environments/([^/]+)/kill");

  record Request(String method, String path, String query, String authorization, String contentType, JsonNode body) {}

  record Planned(int status, String body, Map<String, String> headers) {}

  private final HttpServer server;
  final Map<String, ObjectNode> flags = Collections.synchronizedMap(new LinkedHashMap<>());
  final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
  final ConcurrentLinkedQueue<Planned> planned = new ConcurrentLinkedQueue<>();

  FakeSplitAdmin() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::serve);
    server.start();
  }

  /** The admin URL to configure ({@code flags.split.adminUrl}). */
  String adminUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/internal/api/v2";
  }

  ObjectNode define(String name, boolean killed) {
    ObjectNode flag = JSON.createObjectNode();
    flag.put("name", name);
    flag.putObject("environment").put("id", "env-1").put("name", ENV);
    flag.putObject("trafficType").put("id", "tt-1").put("name", "user");
    flag.put("killed", killed);
    ArrayNode treatments = flag.putArray("treatments");
    treatments.addObject().put("name", "on");
    treatments.addObject().put("name", "off");
    flag.put("defaultTreatment", "off");
    flag.put("baselineTreatment", "off");
    flag.put("trafficAllocation", 100);
    flag.putArray("rules");
    ArrayNode rule = flag.putArray("defaultRule");
    rule.addObject().put("treatment", "off").put("size", 100);
    flag.put("creationTime", 1700000000000L);
    flag.put("lastUpdateTime", 1700000000000L);
    flags.put(name, flag);
    return flag;
  }

  int percentOn(String flag) {
    for (JsonNode a : flags.get(flag).path("defaultRule")) {
      if (a.path("treatment").asText().equals("on")) {
        return a.path("size").asInt();
      }
    }
    return 0;
  }

  List<Request> patches() {
    return requests.stream().filter(r -> r.method().equals("PATCH")).toList();
  }

  List<Request> kills() {
    return requests.stream().filter(r -> r.path().endsWith("/kill")).toList();
  }

  private void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] raw = exchange.getRequestBody().readAllBytes();
      Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
          exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders().getFirst("Authorization"),
          exchange.getRequestHeaders().getFirst("Content-Type"), raw.length == 0 ? null : JSON.readTree(raw));
      requests.add(request);
      Planned answer = planned.poll();
      if (answer == null) {
        answer = handle(request);
      }
      answer.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
      byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        exchange.getResponseBody().write(body);
      }
    }
  }

  private synchronized Planned handle(Request request) throws IOException {
    if (!("Bearer " + KEY).equals(request.authorization())) {
      return error(401, "Unauthorized");
    }
    Matcher list = LIST.matcher(request.path());
    if (list.matches() && !request.method().equals("GET")) {
      return error(405, "Method " + request.method() + " not allowed");
    }
    Matcher kill = KILL.matcher(request.path());
    if (kill.matches()) {
      if (!request.method().equals("PUT") && !request.method().equals("POST")) {
        return error(405, "Method " + request.method() + " not allowed");
      }
      ObjectNode flag = flags.get(kill.group(2));
      if (!kill.group(1).equals(WS) || !kill.group(3).equals(ENV) || flag == null) {
        return error(404, "Feature flag definition not found");
      }
      flag.put("killed", true);
      flag.put("lastUpdateTime", flag.path("lastUpdateTime").asLong() + 1);
      return new Planned(200, "", Map.of());
    }
    Matcher definition = ONE.matcher(request.path());
    if (definition.matches() && request.method().equals("GET")) {
      ObjectNode flag = flags.get(definition.group(2));
      if (!definition.group(1).equals(WS) || !definition.group(3).equals(ENV) || flag == null) {
        return error(404, "Feature flag definition not found");
      }
      return ok(flag);
    }
    if (definition.matches() && !List.of("PATCH", "POST", "PUT", "DELETE").contains(request.method())) {
      return error(405, "Method " + request.method() + " not allowed");
    }
    if (list.matches()) {
      if (!list.group(1).equals(WS) || !list.group(2).equals(ENV)) {
        return error(404, "Environment not found");
      }
      Map<String, String> query = query(request.query());
      int limit = Math.min(50, Integer.parseInt(query.getOrDefault("limit", "20")));
      int offset = Integer.parseInt(query.getOrDefault("offset", "0"));
      List<ObjectNode> all = new ArrayList<>(flags.values());
      ObjectNode page = JSON.createObjectNode();
      ArrayNode objects = page.putArray("objects");
      all.subList(Math.min(offset, all.size()), Math.min(offset + limit, all.size())).forEach(objects::add);
      page.put("offset", offset).put("limit", limit).put("totalCount", all.size());
      return ok(page);
    }
    Matcher one = ONE.matcher(request.path());
    if (request.method().equals("PATCH") && one.matches()) {
      ObjectNode flag = flags.get(one.group(2));
      if (!one.group(1).equals(WS) || !one.group(3).equals(ENV) || flag == null) {
        return error(404, "Feature flag definition not found");
      }
      if (!"application/json".equals(request.contentType()) || request.body() == null || !request.body().isArray()) {
        return error(400, "Body must be a JSON Patch array");
      }
      for (JsonNode op : request.body()) {
        if (!op.path("op").asText().equals("replace")) {
          return error(400, "Unsupported op " + op.path("op"));
        }
        String path = op.path("path").asText();
        if (path.equals("/defaultRule")) {
          int sum = 0;
          for (JsonNode a : op.path("value")) {
            sum += a.path("size").asInt();
            boolean known = false;
            for (JsonNode t : flag.path("treatments")) {
              known |= t.path("name").asText().equals(a.path("treatment").asText());
            }
            if (!known) {
              return error(400, "Treatment " + a.path("treatment") + " is not defined");
            }
          }
          if (sum != 100) {
            return error(400, "Default rule sizes must sum to 100");
          }
          flag.set("defaultRule", op.path("value"));
        } else {
          return error(400, "Unsupported path " + path);
        }
      }
      flag.put("lastUpdateTime", flag.path("lastUpdateTime").asLong() + 1);
      return ok(flag);
    }
    if (one.matches()) {
      // POST (create), PUT (full update) and DELETE (remove) of a definition are documented; Gantry never uses
      // them, and this fake does not implement them: a call to one is a bug in Gantry.
      return error(501, "Not implemented by the fake: " + request.method() + " " + request.path());
    }
    return error(404, "Not found");
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> values = new LinkedHashMap<>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        String[] kv = pair.split("=", 2);
        values.put(kv[0], kv.length > 1 ? kv[1] : "");
      }
    }
    return values;
  }

  private static Planned ok(JsonNode body) {
    return new Planned(200, body.toString(), Map.of());
  }

  private static Planned error(int status, String message) {
    ObjectNode body = JSON.createObjectNode().put("code", status).put("message", message).put("details", "")
        .put("transactionId", "tx-1");
    return new Planned(status, body.toString(), Map.of());
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
