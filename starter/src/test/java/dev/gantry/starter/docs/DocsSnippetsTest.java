package dev.gantry.starter.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.gantry.activities.directory.FileApproverDirectory;
import dev.gantry.starter.cli.GantryCli;
import dev.gantry.starter.spec.PolicyDirectory;
import dev.gantry.starter.spec.ReleaseSpecLoader;
import dev.gantry.workflows.api.approval.DirectoryRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Docs that cannot drift: every YAML block in {@code docs/} and {@code README.md} is loaded with the loader the
 * worker uses, and every {@code gantry ...} command line (in {@code sh}, {@code bash}, {@code console} blocks and
 * in inline code) is parsed with the CLI's own picocli model. A guide that shows a field or a flag the code does
 * not have fails here, with its file and line, instead of failing a reader who pasted it.
 *
 * <p>Each {@code yaml} block says what it is in an HTML comment on the line before its fence:
 * <pre>
 * &lt;!-- snippet: release --&gt;                  a release request (examples/release.yaml's place)
 * &lt;!-- snippet: policy --&gt;                   a whole policy.yaml
 * &lt;!-- snippet: policy-fragment --&gt;          sections of policy.yaml, merged into examples/policy's
 * &lt;!-- snippet: environment --&gt;              a whole environments/&lt;env&gt;/config.yaml
 * &lt;!-- snippet: environment-fragment --&gt;     sections of one, merged into examples/policy's production config
 * &lt;!-- snippet: environment-fragment aws --&gt; the same over examples/aws/policy's (a lambda target)
 * &lt;!-- snippet: approvers --&gt;                an approvers.yaml (public keys it names are made up here)
 * &lt;!-- snippet: worker-config --&gt;            the worker's Spring settings: same workflows and beans as application.yml
 * &lt;!-- snippet: none (why) --&gt;               not a Gantry file (Spring, a CLI profile): the reason is required
 * </pre>
 * An unmarked yaml block fails the test, so a new one cannot slip by. Snippets are loaded inside a copy of
 * {@code examples/} (so relative paths such as {@code artifacts/...} and {@code calendars/...} resolve) with
 * {@link PolicyDirectory#loadForReading}: files a snippet names on the worker ({@code /etc/gantry/...},
 * {@code /srv/...}) need not exist here.
 *
 * <p>Command lines: {@code <placeholders>} are values; {@code ...} after an option is its value, elsewhere it
 * ends the line; {@code a|b} and {@code a/b} where a subcommand goes are each checked. Inline code may leave out
 * required options (it names a command in prose); a block's lines must be complete. {@code ./gantry demo|dev|worker}
 * are the launcher's own (not picocli's). A block whose lines are not commands to run (output, a deliberate
 * mistake) is marked {@code <!-- commands: none (why) -->}; an inline one by {@code <!-- not a command -->} on its
 * line. An untagged block that shows a {@code gantry} line fails unless it is tagged {@code sh}/{@code console} (then
 * checked) or marked as above (a synopsis with {@code [optional]} parts).
 */
class DocsSnippetsTest {
  private static final Pattern MARKER = Pattern.compile(
      "^\\s*<!--\\s*snippet:\\s*([a-z-]+)(\\s+aws)?\\s*(\\(.*\\))?\\s*-->\\s*$");
  private static final Pattern COMMANDS_NONE = Pattern.compile("^\\s*<!--\\s*commands:\\s*none\\s*\\(.+\\)\\s*-->\\s*$");
  private static final Pattern FENCE = Pattern.compile("^(\\s*)(```+|~~~+)\\s*([A-Za-z0-9_+-]*).*$");
  private static final Pattern INLINE = Pattern.compile("`([^`]+)`");
  private static final Set<String> LAUNCHER = Set.of("demo", "dev", "worker");
  private static final Set<String> SHELL_LANGUAGES = Set.of("sh", "bash", "shell", "console");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));

  private static Path root;
  private static List<Path> pages;

  @BeforeAll
  static void findDocs() throws IOException {
    Path here = Path.of("").toAbsolutePath();
    root = Files.isDirectory(here.resolve("docs")) ? here : here.getParent();
    List<Path> found = new ArrayList<>();
    found.add(root.resolve("README.md"));
    try (Stream<Path> docs = Files.walk(root.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(found::add);
    }
    pages = found;
  }

  /** One fenced block: its language, the marker before it, and its lines (numbered as in the file). */
  record Block(Path page, int fenceLine, String language, String marker, boolean aws, String markerNote,
      boolean commandsNone, List<String> lines) {
    String where() {
      return root.relativize(page) + ":" + fenceLine;
    }

    String text() {
      return String.join("\n", lines) + "\n";
    }
  }

  /** Inline code outside blocks, with its line. */
  record Inline(Path page, int line, String code, boolean notACommand) {}

  private static List<Block> blocks(Path page) throws IOException {
    List<String> lines = Files.readAllLines(page, StandardCharsets.UTF_8);
    List<Block> blocks = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher open = FENCE.matcher(lines.get(i));
      if (!open.matches()) {
        continue;
      }
      String indent = open.group(1);
      String fence = open.group(2);
      String previous = i == 0 ? "" : lines.get(i - 1);
      Matcher marker = MARKER.matcher(previous);
      List<String> body = new ArrayList<>();
      int j = i + 1;
      for (; j < lines.size(); j++) {
        String line = lines.get(j);
        if (line.trim().startsWith(fence) && line.trim().replace(fence.substring(0, 1), "").isEmpty()) {
          break;
        }
        body.add(line.startsWith(indent) ? line.substring(indent.length()) : line.stripLeading());
      }
      boolean marked = marker.matches();
      blocks.add(new Block(page, i + 1, open.group(3), marked ? marker.group(1) : null,
          marked && marker.group(2) != null, marked ? marker.group(3) : null,
          COMMANDS_NONE.matcher(previous).matches(), body));
      i = j;
    }
    return blocks;
  }

  private static List<Inline> inlines(Path page) throws IOException {
    List<String> lines = Files.readAllLines(page, StandardCharsets.UTF_8);
    List<Inline> found = new ArrayList<>();
    boolean inBlock = false;
    String fence = null;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      Matcher f = FENCE.matcher(line);
      if (!inBlock && f.matches()) {
        inBlock = true;
        fence = f.group(2);
        continue;
      }
      if (inBlock) {
        if (line.trim().startsWith(fence) && line.trim().replace(fence.substring(0, 1), "").isEmpty()) {
          inBlock = false;
        }
        continue;
      }
      boolean skip = line.contains("<!-- not a command");
      Matcher code = INLINE.matcher(line);
      while (code.find()) {
        found.add(new Inline(page, i + 1, code.group(1), skip));
      }
    }
    return found;
  }

  // ---------------------------------------------------------------------------------------------- YAML

  @Test
  void everyYamlBlockIsMarkedAndLoads(@TempDir Path tmp) throws Exception {
    List<String> failures = new ArrayList<>();
    Map<String, Integer> loaded = new java.util.TreeMap<>();
    int none = 0;
    int n = 0;
    for (Path page : pages) {
      for (Block block : blocks(page)) {
        if (!block.language().equals("yaml") && !block.language().equals("yml")) {
          continue;
        }
        if (block.marker() == null) {
          failures.add(block.where() + ": a yaml block without a marker: put `<!-- snippet: release|policy|"
              + "policy-fragment|environment|environment-fragment|approvers -->` or `<!-- snippet: none (why) -->`"
              + " on the line before its fence");
          continue;
        }
        if (block.marker().equals("none")) {
          if (block.markerNote() == null || block.markerNote().length() < 4) {
            failures.add(block.where() + ": `snippet: none` needs a reason in parentheses");
          }
          none++;
          continue;
        }
        Path examples = copyOfExamples(tmp.resolve("snippet-" + (++n)));
        try {
          load(block, examples);
          loaded.merge(block.marker(), 1, Integer::sum);
        } catch (UnknownKind e) {
          failures.add(block.where() + ": unknown marker 'snippet: " + block.marker() + "'");
        } catch (RuntimeException e) {
          failures.add(block.where() + " (" + block.marker() + "): " + docLines(block, e.getMessage())
              .replace(tmp.toString(), "<tmp>"));
        }
      }
    }
    System.out.println("[docs] yaml blocks loaded " + loaded + ", marked none " + none);
    assertThat(failures).as("YAML snippets in the docs that the loaders refuse").isEmpty();
    assertThat(loaded.values().stream().mapToInt(Integer::intValue).sum()).isPositive();
  }

  private static final class UnknownKind extends RuntimeException {}

  private static final Set<String> WHOLE_FILES = Set.of("release", "policy", "environment", "approvers");
  private static final Pattern FILE_LINE = Pattern.compile(
      "(docs-release\\.yaml|policy\\.yaml|environments/production/config\\.yaml|approvers\\.yaml):(\\d+)");

  /** A whole-file snippet is the file: its "file.yaml:7" is a line of the page, which the message then names. */
  private static String docLines(Block block, String message) {
    if (message == null || !WHOLE_FILES.contains(block.marker())) {
      return String.valueOf(message);
    }
    Matcher line = FILE_LINE.matcher(message);
    StringBuilder out = new StringBuilder();
    while (line.find()) {
      int inPage = block.fenceLine() + Integer.parseInt(line.group(2));
      line.appendReplacement(out, Matcher.quoteReplacement(line.group() + " (" + root.relativize(block.page())
          + ":" + inPage + ")"));
    }
    line.appendTail(out);
    return out.toString();
  }

  /**
   * Absolute paths in snippets ({@code /srv/builds}, {@code /etc/gantry/keys/...}) are the worker's: they are read
   * inside the copy's {@code worker-fs} folder, where the folders the guides use as roots exist.
   */
  private static final Pattern WORKER_PATH = Pattern.compile("(?<=[\\s\\[{,:\"'])/(srv|etc|var)/");

  private void load(Block block, Path examples) throws IOException {
    Path workerFs = examples.resolve("worker-fs");
    block = new Block(block.page(), block.fenceLine(), block.language(), block.marker(), block.aws(),
        block.markerNote(), block.commandsNone(), block.lines().stream()
            .map(line -> WORKER_PATH.matcher(line).replaceAll(Matcher.quoteReplacement(workerFs.toString()) + "/$1/"))
            .toList());
    // `snippet: environment-fragment aws`: over examples/aws (a lambda target), for sections only AWS targets take
    Path policy = examples.resolve(block.aws() ? "aws/policy" : "policy");
    Path production = policy.resolve("environments/production/config.yaml");
    switch (block.marker()) {
      case "release" -> {
        Path spec = examples.resolve("docs-release.yaml");
        Files.writeString(spec, block.text());
        new ReleaseSpecLoader().load(spec);
      }
      case "policy" -> {
        Files.writeString(policy.resolve(PolicyDirectory.POLICY_FILE), block.text());
        new PolicyDirectory().loadForReading(policy);
      }
      case "policy-fragment" -> {
        merge(policy.resolve(PolicyDirectory.POLICY_FILE), block.text());
        new PolicyDirectory().loadForReading(policy);
      }
      case "environment" -> {
        Files.writeString(production, block.text());
        new PolicyDirectory().loadForReading(policy);
      }
      case "environment-fragment" -> {
        merge(production, block.text());
        new PolicyDirectory().loadForReading(policy);
      }
      case "approvers" -> {
        Path approvers = policy.resolve("approvers.yaml");
        Files.writeString(approvers, block.text());
        makeKeysFor(approvers);
        new FileApproverDirectory().load(new DirectoryRequest("release/docs/1.0.0", approvers.toString()));
        new PolicyDirectory().loadForReading(policy);
      }
      case "worker-config" -> {
        // the worker's Spring configuration: the same workflows and activity beans as application.yml
        JsonNode shown = YAML.readTree(block.text()).at("/spring/temporal/workers/0");
        JsonNode real = workerApplicationYml().at("/spring/temporal/workers/0");
        for (String list : List.of("workflow-classes", "activity-beans")) {
          Set<String> expected = texts(real.get(list));
          Set<String> actual = texts(shown.get(list));
          if (!expected.equals(actual)) {
            Set<String> missing = new java.util.TreeSet<>(expected);
            missing.removeAll(actual);
            Set<String> extra = new java.util.TreeSet<>(actual);
            extra.removeAll(expected);
            throw new IllegalStateException("its " + list + " differ from worker/src/main/resources/application.yml:"
                + " missing " + missing + ", not in the worker " + extra);
          }
        }
      }
      default -> throw new UnknownKind();
    }
  }

  private static JsonNode workerApplicationYml() throws IOException {
    // the first document of application.yml: the worker's registrations (the others are profiles)
    try (var parser = YAML.getFactory().createParser(root.resolve("worker/src/main/resources/application.yml").toFile())) {
      return YAML.readTree(parser);
    }
  }

  private static Set<String> texts(JsonNode list) {
    Set<String> texts = new java.util.TreeSet<>();
    if (list != null) {
      list.forEach(item -> texts.add(item.asText()));
    }
    return texts;
  }

  // ---------------------------------------------------------------------------------------------- architecture

  /** The architecture page's tables name every workflow the worker registers and every activity bean. */
  @Test
  void architectureNamesEveryWorkflowAndActivityBean() throws IOException {
    String page = Files.readString(root.resolve("docs/architecture.md"));
    List<String> missing = new ArrayList<>();
    for (Class<?> workflow : dev.gantry.workflows.WorkerCatalogue.WORKFLOW_IMPLEMENTATIONS) {
      if (!page.contains("`" + workflow.getName().substring("dev.gantry.workflows.".length()) + "`")) {
        missing.add("workflow " + workflow.getName());
      }
    }
    for (String bean : texts(workerApplicationYml().at("/spring/temporal/workers/0/activity-beans"))) {
      if (!page.contains("| `" + bean + "` |")) {
        missing.add("activity bean " + bean);
      }
    }
    assertThat(missing).as("docs/architecture.md's workflow and activity tables lack").isEmpty();
    assertThat(page).doesNotContain("DESIGN.md");
  }

  /** The fragment's sections in place of the file's (a section is shown whole, so it replaces the example's). */
  private static void merge(Path file, String fragment) throws IOException {
    ObjectNode base = (ObjectNode) YAML.readTree(file.toFile());
    var top = YAML.readTree(fragment);
    if (!(top instanceof ObjectNode patch)) {
      throw new IllegalArgumentException("a fragment must be YAML sections (a mapping)");
    }
    for (var section : patch.properties()) {
      base.set(section.getKey(), section.getValue());
    }
    YAML.writeValue(file.toFile(), base);
  }

  /** Each publicKey an approvers snippet names gets a fresh P-256 key (the snippet shows the layout, not keys). */
  private static void makeKeysFor(Path approvers) throws IOException {
    var people = YAML.readTree(approvers.toFile()).path("people");
    for (var person : people) {
      String key = person.path("publicKey").asText(null);
      if (key == null) {
        continue;
      }
      Path file = approvers.getParent().resolve(key).normalize();
      if (Files.exists(file) || !file.startsWith(approvers.getParent())) {
        continue;
      }
      try {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        byte[] spki = generator.generateKeyPair().getPublic().getEncoded();
        Files.createDirectories(file.getParent());
        Files.writeString(file, "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(spki)
            + "\n-----END PUBLIC KEY-----\n");
      } catch (java.security.GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * A copy of examples/ laid out as the guides describe a worker: builds under /srv/builds, local targets under
   * /srv/gantry/targets (in the copy's worker-fs), so that a guide's policy.yaml and the example environments
   * agree on the roots.
   */
  private static Path copyOfExamples(Path target) throws IOException {
    copy(root.resolve("examples"), target);
    Path workerFs = target.resolve("worker-fs");
    Path builds = Files.createDirectories(workerFs.resolve("srv/builds"));
    Path targets = Files.createDirectories(workerFs.resolve("srv/gantry/targets"));
    Path policy = target.resolve("policy");
    ObjectNode policyFile = (ObjectNode) YAML.readTree(policy.resolve(PolicyDirectory.POLICY_FILE).toFile());
    ObjectNode roots = (ObjectNode) policyFile.get("roots");
    roots.withArray("artifacts").add(builds.toString());
    roots.putArray("targets").add(targets.toString());
    YAML.writeValue(policy.resolve(PolicyDirectory.POLICY_FILE).toFile(), policyFile);
    try (Stream<Path> configs = Files.list(policy.resolve("environments"))) {
      for (Path env : configs.toList()) {
        Path config = env.resolve("config.yaml");
        ObjectNode file = (ObjectNode) YAML.readTree(config.toFile());
        if (file.get("target") instanceof ObjectNode local && local.has("root")) {
          local.put("root", targets.resolve("hello-service").toString());
        }
        YAML.writeValue(config.toFile(), file);
      }
    }
    return target;
  }

  private static void copy(Path examples, Path target) throws IOException {
    // not the Java client example (a Maven project with its own target folder) nor locally made keys
    try (Stream<Path> files = Files.walk(examples)) {
      files.filter(p -> !p.startsWith(examples.resolve("java-client")) && !p.startsWith(examples.resolve("keys")))
          .forEach(p -> {
            try {
              Path copy = target.resolve(examples.relativize(p).toString());
              if (Files.isDirectory(p)) {
                Files.createDirectories(copy);
              } else {
                Files.copy(p, copy);
              }
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    }
  }

  // ---------------------------------------------------------------------------------------------- commands

  @Test
  void everyGantryCommandLineParses() throws IOException {
    CommandLine cli = GantryCli.newCommandLine();
    List<String> failures = new ArrayList<>();
    int[] counts = new int[4]; // block lines, inline, launcher, skipped
    for (Path page : pages) {
      for (Block block : blocks(page)) {
        if (block.commandsNone()) {
          counts[3]++;
          continue;
        }
        if (block.language().isEmpty()) {
          // an untagged block that shows gantry lines: commands to run are tagged sh (or console, for a
          // transcript), so they are checked; a synopsis ([optional] parts, a|b) is marked as one
          block.lines().stream().filter(l -> l.strip().matches("^(\\$ )?(\\./)?gantry\\s.*")).findFirst()
              .ifPresent(l -> failures.add(block.where() + ": an untagged block with a gantry line (" + l.strip()
                  + "): tag it ```sh (or ```console for a transcript) or mark it `<!-- commands: none (why) -->`"));
          continue;
        }
        if (!SHELL_LANGUAGES.contains(block.language())) {
          continue;
        }
        List<String> lines = block.lines();
        for (int i = 0; i < lines.size(); i++) {
          int lineNumber = block.fenceLine() + 1 + i;
          StringBuilder logical = new StringBuilder();
          String line = lines.get(i);
          while (line.endsWith("\\") && i + 1 < lines.size()) {
            logical.append(line, 0, line.length() - 1).append(' ');
            line = lines.get(++i);
          }
          logical.append(line);
          String text = logical.toString().strip();
          if (block.language().equals("console")) {
            if (!text.startsWith("$ ")) {
              continue; // output
            }
            text = text.substring(2);
          } else if (text.startsWith("$ ")) {
            text = text.substring(2);
          }
          for (List<String> command : commands(text)) {
            check(cli, command, false, root.relativize(page) + ":" + lineNumber, failures, counts);
          }
        }
      }
      for (Inline inline : inlines(page)) {
        if (!inline.code().matches("^(\\./)?gantry\\s.*")) {
          continue;
        }
        if (inline.notACommand()) {
          counts[3]++;
          continue;
        }
        for (List<String> command : commands(inline.code())) {
          check(cli, command, true, root.relativize(page) + ":" + inline.line(), failures, counts);
        }
      }
    }
    System.out.println("[docs] command lines parsed: " + counts[0] + " in blocks, " + counts[1] + " inline; "
        + counts[2] + " launcher commands (demo|dev|worker); " + counts[3] + " blocks or lines marked not commands");
    assertThat(failures).as("gantry command lines in the docs that the CLI refuses").isEmpty();
    assertThat(counts[0]).isPositive();
  }

  /** The gantry commands in one shell line: split at | && || ; and stopped at a comment or a redirection. */
  static List<List<String>> commands(String line) {
    List<List<String>> commands = new ArrayList<>();
    List<String> words = new ArrayList<>();
    StringBuilder word = null;
    int i = 0;
    boolean stop = false;
    while (i < line.length() && !stop) {
      char c = line.charAt(i);
      if (Character.isWhitespace(c)) {
        if (word != null) {
          words.add(word.toString());
          word = null;
        }
        i++;
      } else if (c == '#' && word == null) {
        stop = true;
      } else if (c == '|' || c == ';' || c == '&') {
        if (c == '|' && word != null) { // a|b inside a word: alternatives (a synopsis), kept for expansion
          word.append(c);
          i++;
          continue;
        }
        if (word != null) {
          words.add(word.toString());
          word = null;
        }
        commands.add(words);
        words = new ArrayList<>();
        while (i < line.length() && "|;&".indexOf(line.charAt(i)) >= 0) {
          i++;
        }
      } else if (c == '<' && word == null && line.indexOf('>', i) > i + 1
          && Character.isLetter(i + 1 < line.length() ? line.charAt(i + 1) : ' ')) {
        int end = line.indexOf('>', i);
        words.add(line.substring(i, end + 1)); // <placeholder>, spaces and all
        i = end + 1;
      } else if ((c == '>' || c == '<') && (word == null || word.toString().matches("[0-9]*"))) {
        stop = true; // a redirection: the command ends here
        word = null;
      } else if (c == '\'' || c == '"') {
        int end = line.indexOf(c, i + 1);
        if (end < 0) {
          end = line.length();
        }
        if (word == null) {
          word = new StringBuilder();
        }
        word.append(line, i + 1, end);
        i = end + 1;
      } else {
        if (word == null) {
          word = new StringBuilder();
        }
        word.append(c);
        i++;
      }
    }
    if (word != null) {
      words.add(word.toString());
    }
    commands.add(words);
    List<List<String>> gantry = new ArrayList<>();
    for (List<String> command : commands) {
      int start = 0;
      while (start < command.size() && command.get(start).matches("[A-Z_][A-Z0-9_]*=.*")) {
        start++; // VAR=value gantry ...
      }
      if (start < command.size() && command.get(start).matches("(\\./)?gantry")) {
        gantry.add(new ArrayList<>(command.subList(start + 1, command.size())));
      }
    }
    return gantry;
  }

  private static void check(CommandLine cli, List<String> args, boolean inline, String where, List<String> failures,
      int[] counts) {
    if (!args.isEmpty() && Stream.of(args.get(0).split("[|/]")).allMatch(LAUNCHER::contains)) {
      counts[2]++;
      return;
    }
    for (List<String> expanded : expand(cli, args)) {
      List<String> line = placeholders(cli, expanded, inline);
      counts[inline ? 1 : 0]++;
      try {
        cli.parseArgs(line.toArray(String[]::new));
      } catch (CommandLine.MissingParameterException e) {
        if (!inline) {
          failures.add(where + ": gantry " + String.join(" ", line) + "\n    " + e.getMessage());
        }
      } catch (CommandLine.ParameterException e) {
        failures.add(where + ": gantry " + String.join(" ", line) + "\n    " + e.getMessage());
      }
    }
  }

  /** {@code gantry release status|watch ID}: one line per subcommand named where a subcommand goes. */
  private static List<List<String>> expand(CommandLine cli, List<String> args) {
    List<List<String>> lines = new ArrayList<>();
    expand(cli, args, 0, lines);
    return lines;
  }

  private static void expand(CommandLine command, List<String> args, int at, List<List<String>> out) {
    if (at >= args.size()) {
      out.add(args);
      return;
    }
    String word = args.get(at);
    if (command.getSubcommands().containsKey(word)) {
      expand(command.getSubcommands().get(word), args, at + 1, out);
      return;
    }
    String[] alternatives = word.split("[|/]");
    if (alternatives.length > 1 && Stream.of(alternatives).allMatch(command.getSubcommands()::containsKey)) {
      for (String alternative : alternatives) {
        List<String> copy = new ArrayList<>(args);
        copy.set(at, alternative);
        expand(command.getSubcommands().get(alternative), copy, at + 1, out);
      }
      return;
    }
    out.add(args);
  }

  /**
   * {@code ...} or {@code …} after an option that takes a value is that value (a placeholder); elsewhere it means
   * "and the rest" and ends the line. In inline code, {@code [--wait]} is an optional part: its brackets go.
   */
  private static List<String> placeholders(CommandLine cli, List<String> args, boolean inline) {
    List<String> out = new ArrayList<>();
    CommandLine command = cli;
    for (String arg : args) {
      if (inline) {
        arg = arg.replaceAll("^\\[+", "").replaceAll("]+$", "");
      }
      if (command.getSubcommands().containsKey(arg)) {
        command = command.getSubcommands().get(arg);
      }
      if (arg.equals("...") || arg.equals("…")) {
        String previous = out.isEmpty() ? "" : out.get(out.size() - 1);
        OptionSpec option = previous.startsWith("-") ? command.getCommandSpec().findOption(previous) : null;
        if (option != null && option.arity().max() > 0 && !option.type().equals(boolean.class)) {
          out.add("...");
          continue;
        }
        break;
      }
      if (!arg.isEmpty()) {
        out.add(arg);
      }
    }
    return out;
  }
}
