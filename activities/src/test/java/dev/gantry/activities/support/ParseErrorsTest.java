package dev.gantry.activities.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Jackson and SnakeYAML quote the input in their messages; what we show must not. */
class ParseErrorsTest {
  private static final String SECRET = "hunter2-s3cr3t";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .registerModule(new JavaTimeModule())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final ObjectMapper JSON = new ObjectMapper();

  record Directory(Map<String, Person> people) {}

  record Person(List<String> groups, String publicKey, Instant since) {}

  @Test
  void aShadowFileIsNotValidYamlAndIsNotQuoted() {
    String shadow = "root:$6$" + SECRET + ":19000:0:99999:7:::\nbin:*:19000:0:99999:7:::\n\t- [\n";

    String described = describe(shadow, Directory.class);

    assertThat(described).doesNotContain(SECRET).doesNotContain("root").startsWith("is not valid YAML at line")
        .doesNotContain("\n");
  }

  @Test
  void aShadowLineEndingInAColonIsAnUnknownKeyThatIsNotNamed() {
    String described = describe("root:$6$" + SECRET + ":19000:0:99999:7:::\n", Directory.class);

    assertThat(described).doesNotContain(SECRET).startsWith("has an unknown field at the top level at line")
        .endsWith("(allowed: people)");
  }

  @Test
  void aScalarWhereAMappingBelongsNamesTheKindNotTheValue() {
    String described = describe("export API_TOKEN=" + SECRET + "\n", Directory.class);

    assertThat(described).doesNotContain(SECRET)
        .isEqualTo("has a value of the wrong kind at line 1, column 1: expected a mapping (key: value)");
  }

  @Test
  void anUnknownFieldIsNotNamedButTheAllowedOnesAre() {
    String described = describe("people:\n  alice:\n    AWS_SECRET_ACCESS_KEY: " + SECRET + "\n", Directory.class);

    assertThat(described).doesNotContain(SECRET).doesNotContain("AWS_SECRET")
        .startsWith("has an unknown field in people.alice at line")
        .endsWith("(allowed: groups, publicKey, since)");
  }

  @Test
  void aWrongValueNamesThePathAndTheExpectedKind() {
    String described = describe("people:\n  alice:\n    since: " + SECRET + "\n", Directory.class);

    assertThat(described).doesNotContain(SECRET).startsWith("has a value of the wrong kind at people.alice.since")
        .endsWith("expected a timestamp like 2026-01-01T00:00:00Z");
  }

  @Test
  void aMapKeyThatIsNotNameShapedIsHidden() {
    String described = describe("people:\n  'password = " + SECRET + "':\n    groups: " + SECRET + "x: [\n",
        Directory.class);
    String keyed = describe("people:\n  'pw " + SECRET + "':\n    groups: {a: b}\n", Directory.class);

    assertThat(described).doesNotContain(SECRET);
    assertThat(keyed).doesNotContain(SECRET).contains("people.<key>.groups").endsWith("expected a list");
  }

  @Test
  void brokenJsonIsDescribedByLineOnly() {
    JsonProcessingException e = catchThrowableOfType(JsonProcessingException.class,
        () -> JSON.readTree("{\"token\": " + SECRET + "}"));

    assertThat(e.getMessage()).as("Jackson quotes it").contains("hunter2");
    assertThat(ParseErrors.describe(e, "JSON")).isEqualTo("is not valid JSON at line 1, column 18");
  }

  private static String describe(String yaml, Class<?> type) {
    JsonProcessingException e = catchThrowableOfType(JsonProcessingException.class, () -> YAML.readValue(yaml, type));
    assertThat(e).as("the YAML is refused").isNotNull();
    return ParseErrors.describe(e, "YAML");
  }
}
