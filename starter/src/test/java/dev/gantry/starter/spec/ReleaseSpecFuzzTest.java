package dev.gantry.starter.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.support.TestSeed;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small fuzzer over release specs: the repository's example (release.yaml and the three environment
 * configs), mutated at random: keys deleted, values of the wrong type, unknown keys, random bytes,
 * truncation, deep nesting, huge strings, alias bombs, tabs, NUL bytes, a BOM. Whatever the input, the
 * loader either returns a release or throws {@link SpecException} with named problems (none blank, none
 * echoing megabytes back); never another exception, never an error.
 *
 * <p>{@code -Dgantry.fuzz.mutants=5000} for a longer run, {@code -Dgantry.seed=<n>} (or the older
 * {@code -Dgantry.fuzz.seed=<n>}) to repeat one: the seed of each run is printed and is in every failure's
 * message.
 */
class ReleaseSpecFuzzTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final List<String> FILES = List.of("release.yaml", "policy/policy.yaml",
      "policy/environments/dev/config.yaml", "policy/environments/staging/config.yaml",
      "policy/environments/production/config.yaml");
  private static final int MAX_PROBLEM_CHARS = 2_000;

  @TempDir Path dir;

  private final int mutants = Integer.getInteger("gantry.fuzz.mutants", 400);
  @RegisterExtension static final TestSeed SEED = TestSeed.from("gantry.fuzz.seed");
  private final long seed = SEED.value();
  private final Random random = SEED.random();

  @Test
  void everyMutantLoadsOrIsRefusedWithNamedProblems() throws Exception {
    Path spec = ExampleKeys.copyWithKeys(Path.of("..", "examples"), dir.resolve("example"));
    Path root = spec.getParent();
    Map<String, String> originals = new LinkedHashMap<>();
    for (String file : FILES) {
      originals.put(file, Files.readString(root.resolve(file)));
    }
    assertThat(new PlanningLoader().load(spec)).as("the unmutated example loads").isNotNull();

    List<Mutation> mutations = mutations();
    Map<String, Integer> outcomes = new LinkedHashMap<>();
    List<String> escapes = new ArrayList<>();
    Map<String, Long> millis = new java.util.TreeMap<>();
    for (int i = 0; i < mutants; i++) {
      originals.forEach((file, text) -> write(root.resolve(file), text.getBytes(StandardCharsets.UTF_8)));
      String file = FILES.get(random.nextInt(FILES.size()));
      Mutation mutation = mutations.get(random.nextInt(mutations.size()));
      byte[] mutated;
      try {
        mutated = mutation.apply.apply(originals.get(file));
      } catch (Exception notApplicable) {
        continue;
      }
      write(root.resolve(file), mutated);
      String what = "#" + i + " " + mutation.name + " in " + file;
      long began = System.nanoTime();
      try {
        ReleaseRequest loaded = new PlanningLoader().load(spec);
        assertThat(loaded).isNotNull();
        outcomes.merge("loaded", 1, Integer::sum);
      } catch (SpecException refused) {
        outcomes.merge("SpecException", 1, Integer::sum);
        if (refused.problems().isEmpty()) {
          escapes.add(what + ": SpecException without problems");
        }
        for (String problem : refused.problems()) {
          if (problem == null || problem.isBlank() || problem.length() > MAX_PROBLEM_CHARS) {
            escapes.add(what + ": unusable problem text (" + (problem == null ? "null" : problem.length()
                + " chars: " + problem.substring(0, Math.min(200, problem.length()))) + ")");
          }
        }
      } catch (Throwable other) { // anything else, errors included, is a bug
        outcomes.merge(other.getClass().getSimpleName(), 1, Integer::sum);
        escapes.add(what + ": " + other.getClass().getName() + ": " + String.valueOf(other.getMessage())
            .substring(0, Math.min(300, String.valueOf(other.getMessage()).length())));
      }
      millis.merge(mutation.name, (System.nanoTime() - began) / 1_000_000, Long::sum);
    }
    System.out.println("[fuzz] seed " + seed + ", " + mutants + " mutants: " + outcomes + "; ms per kind: " + millis);
    assertThat(escapes).as(SEED.repeat()).isEmpty();
    assertThat(outcomes.getOrDefault("SpecException", 0)).as("the fuzzer finds mistakes").isPositive();
  }

  record Mutation(String name, Function<String, byte[]> apply) {
    static Mutation text(String name, Function<String, String> apply) {
      return new Mutation(name, original -> apply.apply(original).getBytes(StandardCharsets.UTF_8));
    }
  }

  private List<Mutation> mutations() {
    List<Mutation> all = new ArrayList<>();
    all.add(Mutation.text("delete a key", text -> tree(text, this::deleteKey)));
    all.add(Mutation.text("wrong type", text -> tree(text, this::wrongType)));
    all.add(Mutation.text("unknown key", text -> tree(text, node -> {
      randomObject(node).put("surprise" + random.nextInt(100), "x");
    })));
    all.add(new Mutation("random bytes", text -> {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      for (int n = 1 + random.nextInt(8); n > 0; n--) {
        bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
      }
      return bytes;
    }));
    all.add(Mutation.text("truncated", text -> text.substring(0, random.nextInt(text.length()))));
    all.add(Mutation.text("deep list nesting", text -> text + "\nnested: " + "[".repeat(5_000) + "]".repeat(5_000) + "\n"));
    all.add(Mutation.text("deep map nesting", text -> text + "\nnested: " + "{a: ".repeat(3_000) + "1" + "}".repeat(3_000) + "\n"));
    all.add(Mutation.text("huge string (4 MB)", text -> tree(text, node ->
        setRandomScalar(node, NODES.textNode("x".repeat(4 * 1024 * 1024))))));
    all.add(Mutation.text("long string (100 kB)", text -> tree(text, node ->
        setRandomScalar(node, NODES.textNode("y".repeat(100 * 1024))))));
    all.add(Mutation.text("alias bomb", text -> text + "\n" + aliasBomb()));
    all.add(Mutation.text("tab indentation", text -> text.replace("  ", "\t")));
    all.add(Mutation.text("NUL bytes", text -> text.replace(":", ":\u0000")));
    all.add(Mutation.text("byte order mark", text -> "\uFEFF" + text));
    all.add(Mutation.text("empty file", text -> ""));
    all.add(Mutation.text("not a map", text -> List.of("- a\n- b\n", "42\n", "null\n", "\"text\"\n", "~\n")
        .get(random.nextInt(5))));
    all.add(Mutation.text("duplicate key", text -> text + "\n" + text.lines().filter(l -> l.matches("^[a-zA-Z].*:.*"))
        .findFirst().orElse("application: twice") + "\n"));
    all.add(Mutation.text("control characters", text -> tree(text, node ->
        setRandomScalar(node, NODES.textNode("bad\u0007\u001b[31m\r\nvalue")))));
    return all;
  }

  private String aliasBomb() {
    StringBuilder bomb = new StringBuilder("lol0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 10; i++) {
      bomb.append("lol").append(i).append(": &a").append(i).append(" [");
      for (int j = 0; j < 9; j++) {
        bomb.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
      }
      bomb.append("]\n");
    }
    return bomb.toString();
  }

  private static String tree(String text, java.util.function.Consumer<JsonNode> mutate) {
    try {
      JsonNode node = YAML.readTree(text);
      mutate.accept(node);
      return YAML.writeValueAsString(node);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private void deleteKey(JsonNode root) {
    ObjectNode object = randomObject(root);
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    if (!names.isEmpty()) {
      object.remove(names.get(random.nextInt(names.size())));
    }
  }

  private void wrongType(JsonNode root) {
    JsonNode[] wrong = {NODES.numberNode(42), NODES.numberNode(-1), NODES.numberNode(1e30),
        NODES.booleanNode(true), NODES.textNode("x"), NODES.textNode(""), NODES.nullNode(),
        NODES.arrayNode().add(1).add("two"), NODES.objectNode().put("a", 1), NODES.arrayNode(),
        NODES.textNode("../../../../etc/passwd"), NODES.numberNode(Long.MAX_VALUE)};
    ObjectNode object = randomObject(root);
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    if (!names.isEmpty()) {
      object.set(names.get(random.nextInt(names.size())), wrong[random.nextInt(wrong.length)]);
    }
  }

  private void setRandomScalar(JsonNode root, JsonNode value) {
    ObjectNode object = randomObject(root);
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    object.set(names.isEmpty() ? "application" : names.get(random.nextInt(names.size())), value);
  }

  /** A random object node of the tree (the root, or one inside lists and maps). */
  private ObjectNode randomObject(JsonNode root) {
    List<ObjectNode> objects = new ArrayList<>();
    collect(root, objects);
    if (objects.isEmpty()) {
      throw new IllegalStateException("no map in the document");
    }
    return objects.get(random.nextInt(objects.size()));
  }

  private static void collect(JsonNode node, List<ObjectNode> into) {
    if (node instanceof ObjectNode object) {
      into.add(object);
      for (Iterator<JsonNode> it = object.elements(); it.hasNext(); ) {
        collect(it.next(), into);
      }
    } else if (node instanceof ArrayNode array) {
      array.forEach(child -> collect(child, into));
    }
  }

  private static void write(Path file, byte[] bytes) {
    try {
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
