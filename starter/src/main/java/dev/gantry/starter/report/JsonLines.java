package dev.gantry.starter.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/** A JSON Lines file (the audit trail, the signature log), read line by line. */
final class JsonLines {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonLines() {}

  /** Each line that is a JSON object; a line that is not is the chain check's finding, not echoed here. */
  static void forEach(Path file, String name, Consumer<JsonNode> each) {
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String raw;
      while ((raw = reader.readLine()) != null) {
        if (raw.isBlank()) {
          continue;
        }
        JsonNode line;
        try {
          line = JSON.readTree(raw);
        } catch (IOException e) {
          continue;
        }
        if (line != null && line.isObject()) {
          each.accept(line);
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the " + name + " " + file + " (" + e.getClass().getSimpleName()
          + ")");
    }
  }
}
