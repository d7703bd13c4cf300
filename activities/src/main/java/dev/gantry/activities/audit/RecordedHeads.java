package dev.gantry.activities.audit;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The audit heads a release's history recorded: the results of its {@code Audit.append} activities, read
 * from an exported history ({@code temporal workflow show --workflow-id ID --output json}, whose payloads are
 * JSON values ("shorthand"), or the SDK's {@code WorkflowExecutionHistory.toJson}, whose payloads are
 * {@code {"metadata", "data"}} with base64 data). The file is read one event at a time. Appends recorded before {@code Audit.append} returned
 * a head have no result and are counted as such.
 */
public final class RecordedHeads {
  /** Temporal ends a history at 50 MB; its JSON export is larger (base64, field names), not this large. */
  public static final long MAX_HISTORY_BYTES = 512L * 1024 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AUDIT_APPEND = "Audit.append";

  private RecordedHeads() {}

  /** What a history said: the heads, and how many appends it recorded without one (older workers). */
  public record Read(List<TrailVerifier.RecordedHead> heads, int appendsWithoutHead) {}

  public static Read read(Path history) throws IOException {
    if (!Files.isRegularFile(history)) {
      throw new IOException(history + " is not a file");
    }
    if (Files.size(history) > MAX_HISTORY_BYTES) {
      throw new IOException(history + " is larger than " + MAX_HISTORY_BYTES / (1024 * 1024)
          + " MiB: not a Temporal history export");
    }
    try (JsonParser parser = JSON.getFactory().createParser(history.toFile())) {
      return read(parser, history.toString());
    }
  }

  /** The same, from a history's JSON held in memory (a live history fetched from Temporal). */
  public static Read readJson(String json, String name) throws IOException {
    try (JsonParser parser = JSON.getFactory().createParser(json)) {
      return read(parser, name);
    }
  }

  private static Read read(JsonParser parser, String history) throws IOException {
    List<TrailVerifier.RecordedHead> heads = new ArrayList<>();
    Map<String, String> auditAppends = new HashMap<>(); // scheduled event id -> release id
    int withoutHead = 0;
    try {
      JsonToken first = parser.nextToken();
      if (first == JsonToken.START_OBJECT) {
        // {"events": [ ... ]}: find the array
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          JsonToken value = parser.nextToken();
          if ("events".equals(name) && value == JsonToken.START_ARRAY) {
            break;
          }
          parser.skipChildren();
        }
        if (parser.currentToken() != JsonToken.START_ARRAY) {
          throw new IOException(history + " has no \"events\" array: not a Temporal history export");
        }
      } else if (first != JsonToken.START_ARRAY) {
        throw new IOException(history + " is not a Temporal history export (JSON with \"events\")");
      }
      while (parser.nextToken() == JsonToken.START_OBJECT) {
        JsonNode event = JSON.readTree(parser);
        JsonNode scheduled = event.path("activityTaskScheduledEventAttributes");
        if (AUDIT_APPEND.equals(scheduled.path("activityType").path("name").asText())) {
          JsonNode input = payload(scheduled.path("input"));
          auditAppends.put(event.path("eventId").asText(), input == null ? null : input.path("releaseId").asText(null));
          continue;
        }
        JsonNode completed = event.path("activityTaskCompletedEventAttributes");
        String scheduledId = completed.path("scheduledEventId").asText(null);
        if (scheduledId != null && auditAppends.containsKey(scheduledId)) {
          JsonNode head = payload(completed.path("result"));
          if (head == null || !head.hasNonNull("hash")) {
            withoutHead++;
          } else {
            heads.add(new TrailVerifier.RecordedHead(auditAppends.get(scheduledId), head.path("trail").asText(),
                head.path("sequence").asLong(), head.path("hash").asText(), head.path("eventId").asText(null)));
          }
        }
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IOException(history + " is not valid JSON at line " + e.getLocation().getLineNr(), e);
    }
    return new Read(heads, withoutHead);
  }

  /** The first payload of a {@code payloads} list, decoded as JSON (null if absent or not JSON). */
  private static JsonNode payload(JsonNode payloads) {
    JsonNode first = payloads.path("payloads").path(0);
    if (first.isMissingNode()) {
      return null;
    }
    if (!(first.isObject() && first.has("metadata") && first.has("data"))) {
      return first; // the temporal CLI's shorthand: the payload's JSON value itself
    }
    String data = first.path("data").asText(null);
    if (data == null) {
      return null;
    }
    try {
      return JSON.readTree(Base64.getDecoder().decode(data));
    } catch (IllegalArgumentException | IOException e) {
      return null;
    }
  }
}
