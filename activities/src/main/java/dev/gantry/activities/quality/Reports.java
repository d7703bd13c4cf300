package dev.gantry.activities.quality;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.activities.support.BoundedFiles;
import dev.gantry.activities.support.ParseErrors;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Reading report files, with every failure turned into a {@link ReportProblem} that names the file and
 * never quotes it: a report path is configuration, and once pointed at a file of secrets whose first line
 * the JSON parser's message then showed in the release's status.
 */
final class Reports {
  /** Big enough for a large JaCoCo or SARIF report; a file above it is refused before it is parsed. */
  static final long MAX_REPORT_BYTES = 64 * BoundedFiles.MIB;
  /** Words from a report that may be shown: rule ids, tool names. Anything else is not quoted. */
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._/:@+-]{0,63}");
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
      return BoundedFiles.read(file, MAX_REPORT_BYTES);
    } catch (NoSuchFileException e) {
      throw new ReportProblem(what + " " + file + " does not exist: " + producedBy
          + " before the release reaches this gate, or correct the path in the environment's config.yaml");
    } catch (IOException e) {
      throw new ReportProblem(what + " " + file + " " + BoundedFiles.describe(e) + ": check that the worker"
          + " can read it and that it is the report");
    }
  }

  /** A report that must be one JSON object. */
  static JsonNode readJsonObject(Path file, String what, String producedBy) throws ReportProblem {
    byte[] bytes = read(file, what, producedBy);
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new ReportProblem(what + " " + file + " " + ParseErrors.describe(e, "JSON") + ": regenerate it");
    } catch (IOException e) {
      throw new ReportProblem(what + " " + file + " " + BoundedFiles.describe(e) + ": regenerate it");
    }
    if (root == null || !root.isObject()) {
      throw new ReportProblem(what + " " + file + " is " + (root == null || root.isMissingNode() ? "empty"
          : "not a JSON object") + ": regenerate it");
    }
    return root;
  }

  /**
   * A word of a well-formed report (a rule id, a tool's name) as it may appear in a message: quoted if it
   * looks like one, else not shown at all.
   */
  static String token(String value) {
    return value != null && TOKEN.matcher(value).matches() ? value : "(not shown)";
  }

  /** A number for messages: no exponent, no trailing zeros, six significant digits. */
  static String format(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return Double.toString(value);
    }
    return new BigDecimal(value).round(new MathContext(6)).stripTrailingZeros().toPlainString();
  }
}
