package dev.gantry.activities.cab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A real HTTP server on 127.0.0.1 that records every request and lets a test choose the answers. */
class RecordingServer implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  /** What arrived: method, path, decoded query, Authorization header, Idempotency-Key, parsed body. */
  record Request(String method, String path, String query, String authorization, String idempotencyKey,
      JsonNode body) {}

  /** What to answer. */
  record Answer(int status, String body) {}

  interface Handler {
    Answer handle(Request request) throws Exception;
  }

  private final HttpServer server;
  final List<Request> requests = Collections.synchronizedList(new ArrayList<>());

  RecordingServer(Handler handler) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> serve(exchange, handler));
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void serve(HttpExchange exchange, Handler handler) throws IOException {
    try (exchange) {
      byte[] raw = exchange.getRequestBody().readAllBytes();
      String rawQuery = exchange.getRequestURI().getRawQuery();
      Request request = new Request(
          exchange.getRequestMethod(),
          exchange.getRequestURI().getRawPath(),
          rawQuery == null ? null : URLDecoder.decode(rawQuery, StandardCharsets.UTF_8),
          exchange.getRequestHeaders().getFirst("Authorization"),
          exchange.getRequestHeaders().getFirst("Idempotency-Key"),
          raw.length == 0 ? null : JSON.readTree(raw));
      requests.add(request);
      Answer answer;
      try {
        answer = handler.handle(request);
      } catch (Exception e) {
        answer = new Answer(500, "{\"error\":\"" + e + "\"}");
      }
      byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        exchange.getResponseBody().write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
