package dev.gantry.activities.quality;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reading report files, with every failure turned into a {@link ReportProblem} that names the file. */
final class Reports {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Reports() {}

  /** The bytes of a report; {@code what} names it in messages ("coverage report", "SARIF report", ...). */
  static byte[] read(Path file, String what, String producedBy) throws ReportProblem {
    try {
      if (Files.isDirectory(file)) {
        throw new ReportProblem(what + " " + file + " is a directory, not a file: point the policy at the"
            + " report file itself");
      }
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ReportProblem(what + " " + file + " does not exist: " + producedBy
          + " before the release reaches this gate, or correct the path in the environment's config.yaml");
    } catch (IOException e) {
      throw new ReportProblem(what + " " + file + " could not be read (" + e + "): check that the worker"
          + " can read it");
    }
  }

  /** A report that must be one JSON object. */
  static JsonNode readJsonObject(Path file, String what, String producedBy) throws ReportProblem {
    byte[] bytes = read(file, what, producedBy);
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      String line = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
      throw new ReportProblem(what + " " + file + " is not valid JSON (" + e.getOriginalMessage() + line
          + "): regenerate it");
    } catch (IOException e) {
      throw new ReportProblem(what + " " + file + " could not be parsed (" + e + "): regenerate it");
    }
    if (root == null || !root.isObject()) {
      throw new ReportProblem(what + " " + file + " is " + (root == null || root.isMissingNode() ? "empty"
          : "not a JSON object") + ": regenerate it");
    }
    return root;
  }

  /** A number for messages: no exponent, no trailing zeros, six significant digits. */
  static String format(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return Double.toString(value);
    }
    return new BigDecimal(value).round(new MathContext(6)).stripTrailingZeros().toPlainString();
  }
}
