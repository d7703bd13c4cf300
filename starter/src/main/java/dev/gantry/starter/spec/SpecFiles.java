package dev.gantry.starter.spec;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One YAML file of a release spec, a policy or an environment config, read strictly: bounded in size, unknown
 * fields and empty items refused, and every problem said with the file, the line and the field.
 */
final class SpecFiles {
  /**
   * No spec file is anywhere near this; a bigger one is refused before parsing (SnakeYAML scans a
   * multi-megabyte scalar in quadratic time: a 4 MB value took 13 s to refuse).
   */
  static final long MAX_FILE_BYTES = 256 * 1024;

  private final ObjectMapper yaml = nullElementsRefused(new ObjectMapper(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES));

  /**
   * An empty list item ({@code - } with nothing after it, {@code [a, ~]}) or map value is refused when the
   * file is read, naming the field, so that no section has to guard against null elements.
   */
  private static ObjectMapper nullElementsRefused(ObjectMapper mapper) {
    JsonSetter.Value refuse = JsonSetter.Value.forContentNulls(Nulls.FAIL);
    mapper.configOverride(List.class).setSetterInfo(refuse);
    mapper.configOverride(Map.class).setSetterInfo(refuse);
    return mapper;
  }

  /** The file as {@code type}; null, with the problem added, when it cannot be read as one. */
  <T> T read(Path file, Class<T> type, List<String> problems) {
    try {
      long size = Files.size(file);
      if (size > MAX_FILE_BYTES) {
        problems.add(file + ": the file has " + size + " bytes; a release spec or environment config has at"
            + " most " + MAX_FILE_BYTES + " (is it the right file?)");
        return null;
      }
      T value = yaml.readValue(file.toFile(), type);
      if (value == null) {
        problems.add(file + ": the file is empty");
      }
      return value;
    } catch (UnrecognizedPropertyException e) {
      problems.add(file + lineOf(file, e.getPropertyName(), e.getLocation()) + ": unknown field '"
          + e.getPropertyName()
          + "'; known fields here: " + e.getKnownPropertyIds().stream().map(String::valueOf)
              .sorted().collect(Collectors.joining(", ")));
    } catch (InvalidNullException e) {
      problems.add(file + at(e.getLocation()) + ": field '" + path(e) + "' is empty: remove the empty item"
          + " or give it a value");
    } catch (JsonMappingException e) {
      problems.add(file + at(e.getLocation()) + ": field '" + path(e) + "' has the wrong type: "
          + e.getOriginalMessage().split("\n")[0]);
    } catch (JsonProcessingException e) {
      problems.add(file + at(e.getLocation()) + ": not valid YAML: " + e.getOriginalMessage());
    } catch (IOException e) {
      problems.add(file + ": cannot read: " + e.getMessage());
    }
    return null;
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining(".")).replace(".[", "[");
  }

  /**
   * Jackson buffers record properties, so its location for an unknown one is often the end of the
   * document: the first line that declares the key is what a person needs.
   */
  private static String lineOf(Path file, String key, JsonLocation fallback) {
    try {
      List<String> lines = Files.readAllLines(file);
      Pattern declaration = Pattern.compile("^[\\s-]*\"?" + Pattern.quote(key) + "\"?\\s*:.*");
      for (int i = 0; i < lines.size(); i++) {
        if (declaration.matcher(lines.get(i)).matches()) {
          return ":" + (i + 1);
        }
      }
    } catch (IOException e) {
      // fall back to Jackson's idea of the location
    }
    return at(fallback);
  }

  private static String at(JsonLocation location) {
    return location == null || location.getLineNr() < 1 ? "" : ":" + location.getLineNr();
  }
}
