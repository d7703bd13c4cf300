package dev.gantry.starter.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes results as text for people or JSON for scripts; errors likewise. */
final class Output {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Output() {}

  static void json(PrintWriter out, Object value) {
    try {
      out.println(JSON.writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
    }
    out.flush();
  }

  static void error(PrintWriter out, PrintWriter err, ConnectionOptions.OutputFormat format,
      String message, List<String> problems) {
    if (format == ConnectionOptions.OutputFormat.json) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("error", message);
      if (problems != null && !problems.isEmpty()) {
        body.put("problems", problems);
      }
      json(out, body);
    } else {
      err.println("error: " + message);
      err.flush();
    }
  }
}
