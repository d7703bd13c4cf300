package dev.gantry.activities.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** JSON files the worker keeps beside what it deploys (an environment's store, a region's routing). */
public final class JsonFiles {
  private JsonFiles() {}

  /**
   * The file's value, or null when there is none; read whole but bounded ({@link BoundedFiles}). What does not
   * parse is a non-retryable failure of type {@code invalid} (retrying cannot repair it) whose message names the
   * file and the line, never a value: Jackson's own messages quote the input, and a store may hold secrets.
   */
  public static <T> T readIfPresent(ObjectMapper mapper, Path file, long maxBytes, JavaType type, String invalid) {
    if (!Files.exists(file)) {
      return null;
    }
    byte[] content;
    try {
      content = BoundedFiles.read(file, maxBytes);
    } catch (IOException e) {
      throw new UncheckedIOException(file + " " + BoundedFiles.describe(e), e);
    }
    try {
      return mapper.readValue(content, type);
    } catch (JsonProcessingException e) {
      throw ApplicationFailure.newNonRetryableFailure(file + " " + ParseErrors.describe(e, "JSON"), invalid);
    } catch (IOException e) {
      throw new UncheckedIOException(file + " " + BoundedFiles.describe(e), e);
    }
  }

  public static <T> T readIfPresent(ObjectMapper mapper, Path file, long maxBytes, Class<T> type, String invalid) {
    return readIfPresent(mapper, file, maxBytes, mapper.getTypeFactory().constructType(type), invalid);
  }
}
