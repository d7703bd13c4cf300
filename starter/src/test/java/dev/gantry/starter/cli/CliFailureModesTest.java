package dev.gantry.starter.cli;

import dev.gantry.starter.support.DevServer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.starter.client.GantryClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every command of the CLI, found by walking picocli's command tree (a new command is covered without a
 * word here), against a Temporal that is down, a host that does not exist, the real dev server without a
 * worker (a release that no worker ever ran) and the same release terminated. Each run must end in one
 * line that says what happened, with exit code 1 (or 2 for a usage error), and never a stack trace or an
 * exception's class name, whatever the command.
 */
class CliFailureModesTest {
  private static final String RELEASE = "release/hello-service/1.4.0";
  private static final Set<String> NOT_CONNECTED = Set.of("completion", "help");

  @TempDir static Path scratch;
  private static DevServer devServer;
  private static String devAddress;
  private static final List<LogRecord> LOGGED = new CopyOnWriteArrayList<>();
  private static final Handler CAPTURE = new Handler() {
    @Override
    public void publish(LogRecord record) {
      if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
        LOGGED.add(record);
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  record Run(String command, int exitCode, String out, String err) {
    String all() {
      return out + err;
    }
  }

  @BeforeAll
  static void startDevServer() throws Exception {
    // the CLI's own logging (its main chooses it; errors only, to stderr)
    if (System.getProperty("slf4j.provider") == null) {
      System.setProperty("slf4j.provider", CliLogging.class.getName());
    }
    java.util.logging.Logger.getLogger("").addHandler(CAPTURE);
    devServer = DevServer.start(scratch);
    devAddress = devServer.address();
  }

  @AfterAll
  static void stopDevServer() throws Exception {
    java.util.logging.Logger.getLogger("").removeHandler(CAPTURE);
    if (devServer != null) {
      devServer.close();
    }
  }

  @Test
  void everyCommandFailsInOneLineWhateverIsWrongWithTemporal() throws Exception {
    List<List<String>> commands = commands();
    assertThat(commands).hasSizeGreaterThan(40);
    List<String> problems = new ArrayList<>();

    // 1. nothing listens (a closed port) and 2. a host that does not resolve
    for (String address : List.of(closedPort(), "no-such-host.invalid:7233")) {
      for (List<String> command : commands) {
        check(problems, "server " + address, run(command, address), connects(command));
      }
    }

    // 3. the real dev server, no worker: a release was started but never ran
    Run started = run(List.of("release", "start", Path.of("..", "examples", "release.yaml").toAbsolutePath()
        .toString()), devAddress);
    assertThat(started.exitCode()).as(started.all()).isZero();
    long before = System.nanoTime();
    for (List<String> command : commands) {
      check(problems, "no worker", run(command, devAddress), false);
    }
    Run status = run(List.of("release", "status", RELEASE), devAddress);
    assertThat(status.err()).contains("no worker is polling task queue gantry-release");
    assertThat(status.exitCode()).isEqualTo(GantryCli.FAILED);

    // 4. the same release terminated (as from the Temporal UI)
    try (GantryClient gantry = GantryClient.connect(devAddress, "default")) {
      gantry.workflowClient().newUntypedWorkflowStub(RELEASE).terminate("from the UI");
    }
    for (List<String> command : commands) {
      check(problems, "terminated", run(command, devAddress), false);
    }
    Run approve = run(List.of("release", "approve", RELEASE, "--as", "alice"), devAddress);
    assertThat(approve.err()).contains("release " + RELEASE + " already ended: TERMINATED at ");
    assertThat(approve.exitCode()).isEqualTo(GantryCli.FAILED);
    Run abort = run(List.of("release", "abort", RELEASE, "--reason", "late"), devAddress);
    assertThat(abort.err()).contains("already ended: TERMINATED");
    assertThat(abort.exitCode()).isEqualTo(GantryCli.FAILED);
    Run terminated = run(List.of("release", "status", RELEASE), devAddress);
    assertThat(terminated.out()).contains(RELEASE + "  TERMINATED").contains("from the UI");

    Files.writeString(Path.of("target", "cli-failure-modes.txt"), SEEN);
    assertThat(problems).as("commands whose failure was not one line (%d)", problems.size()).isEmpty();
  }

  @Test
  void everyCommandAnswersVersionAndHelpWithoutWarnings() {
    for (List<String> command : commands()) {
      List<String> path = command.subList(0, pathLength(command));
      if (path.get(0).equals("help")) {
        continue;
      }
      List<String> version = new ArrayList<>(path);
      version.add("--version");
      Run shown = run(version, null);
      assertThat(shown.out()).as(String.join(" ", version)).startsWith("gantry ");
      List<String> help = new ArrayList<>(path);
      help.add("--help");
      Run usage = run(help, null);
      assertThat(usage.exitCode()).isZero();
      assertThat(usage.all()).as(String.join(" ", help)).doesNotContain("[picocli WARN]");
    }
  }

  /** What each command said in each scenario: written to target/cli-failure-modes.txt for people to read. */
  private static final StringBuilder SEEN = new StringBuilder();

  private static void check(List<String> problems, String scenario, Run run, boolean mustFail) {
    String text = run.all();
    SEEN.append(String.format("%-14s exit %d  gantry %s%n    %s%n", scenario.startsWith("server") ? "down/unknown"
        : scenario, run.exitCode(), run.command(), firstLines(text)));
    String what = scenario + ": gantry " + run.command() + " -> exit " + run.exitCode();
    if (text.contains("\tat ") || text.contains("at dev.gantry") || text.contains("at io.")
        || text.matches("(?s).*\\b\\w+(Exception|Error)\\b.*")) {
      problems.add(what + " shows a stack trace or an exception class: " + firstLines(text));
    } else if (!LOGGED.isEmpty()) {
      problems.add(what + " logged " + LOGGED.get(0).getLevel() + " " + LOGGED.get(0).getMessage());
    } else if (run.exitCode() == GantryCli.FAILED && run.err().strip().lines().count() != 1
        && run.out().strip().lines().noneMatch(line -> line.startsWith("{") || line.contains("  "))) {
      problems.add(what + " did not say why in one line: " + firstLines(text));
    } else if (run.exitCode() != 0 && run.exitCode() != GantryCli.FAILED && run.exitCode() != GantryCli.USAGE) {
      problems.add(what + ": exit codes are 0, 1 or 2");
    } else if (mustFail && run.exitCode() == 0) {
      problems.add(what + " succeeded without a server");
    }
    LOGGED.clear();
  }

  private static String firstLines(String text) {
    return String.join(" | ", text.strip().lines().limit(3).toList());
  }

  /** Every runnable command with its required parameters filled in (the address is added per run). */
  static List<List<String>> commands() {
    List<List<String>> commands = new ArrayList<>();
    walk(GantryCli.newCommandLine(), new ArrayList<>(), commands);
    return commands;
  }

  private static void walk(CommandLine command, List<String> path, List<List<String>> into) {
    List<String> here = new ArrayList<>(path);
    if (!path.isEmpty() || !command.getCommandName().equals("gantry")) {
      here.add(command.getCommandName());
    }
    if (command.getSubcommands().isEmpty()) {
      List<String> args = new ArrayList<>(here);
      for (var positional : command.getCommandSpec().positionalParameters()) {
        if (positional.required()) {
          args.add(valueFor(positional, positional.paramLabel()));
        }
      }
      Set<Object> groupsFilled = new LinkedHashSet<>();
      for (OptionSpec option : command.getCommandSpec().options()) {
        if (!option.required() || (option.group() != null && !groupsFilled.add(option.group()))) {
          continue;
        }
        args.add(option.longestName());
        if (option.arity().max() > 0) {
          args.add(valueFor(option, option.paramLabel()));
        }
      }
      if (command.getCommandSpec().findOption("--timeout") != null) {
        args.addAll(List.of("--timeout", "PT5S"));
      }
      into.add(args);
      return;
    }
    for (CommandLine sub : new LinkedHashSet<>(command.getSubcommands().values())) {
      walk(sub, here, into);
    }
  }

  private static String valueFor(ArgSpec arg, String label) {
    String name = label.replaceAll("[<>]", "").toUpperCase(java.util.Locale.ROOT);
    Class<?> type = arg.type();
    if (type == Path.class || type == java.io.File.class || type == List.class) {
      return scratch.resolve("missing-" + name.toLowerCase(java.util.Locale.ROOT)).toString();
    }
    if (type.isEnum()) {
      return type.getEnumConstants()[0].toString();
    }
    if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
      return "1";
    }
    if (type == java.time.Duration.class) {
      return "PT5S";
    }
    return switch (name) {
      case "RELEASE_ID" -> RELEASE;
      case "APP" -> "hello-service";
      case "ENV", "ENVIRONMENT" -> "production";
      case "REGION" -> "us-east-1";
      case "VERSION" -> "1.4.0";
      case "SPEC" -> Path.of("..", "examples", "release.yaml").toAbsolutePath().toString();
      default -> "x";
    };
  }

  private static int pathLength(List<String> command) {
    int length = 0;
    CommandLine at = GantryCli.newCommandLine();
    for (String word : command) {
      CommandLine sub = at.getSubcommands().get(word);
      if (sub == null) {
        break;
      }
      at = sub;
      length++;
    }
    return length;
  }

  private static boolean connects(List<String> command) {
    return !NOT_CONNECTED.contains(command.get(0)) && addressOption(command) != null;
  }

  private static OptionSpec addressOption(List<String> command) {
    CommandLine at = GantryCli.newCommandLine();
    for (String word : command.subList(0, pathLength(command))) {
      at = at.getSubcommands().get(word);
    }
    return at.getCommandSpec().findOption("--address");
  }

  /** One in-process run; stdout and stderr of the whole JVM are captured too (gRPC's threads print there). */
  private static synchronized Run run(List<String> command, String address) {
    List<String> args = new ArrayList<>(command);
    if (address != null && addressOption(command) != null) {
      args.addAll(List.of("--address", address));
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    ByteArrayOutputStream stray = new ByteArrayOutputStream();
    PrintStream realOut = System.out;
    PrintStream realErr = System.err;
    ExecutorService runner = Executors.newSingleThreadExecutor(task -> {
      Thread thread = new Thread(task, "gantry-cli-run");
      thread.setDaemon(true);
      return thread;
    });
    try {
      PrintStream captured = new PrintStream(stray, true, StandardCharsets.UTF_8);
      System.setOut(captured);
      System.setErr(captured);
      CommandLine cli = GantryCli.newCommandLine();
      cli.setOut(new PrintWriter(out, true));
      cli.setErr(new PrintWriter(err, true));
      Future<Integer> code = runner.submit(() -> cli.execute(args.toArray(new String[0])));
      int exit;
      try {
        exit = code.get(90, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        code.cancel(true);
        exit = -1;
        err.write("(still running after 90 s)");
      }
      return new Run(String.join(" ", args), exit, out + stray.toString(StandardCharsets.UTF_8), err.toString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      runner.shutdownNow();
      System.setOut(realOut);
      System.setErr(realErr);
    }
  }

  private static String closedPort() {
    return "127.0.0.1:" + DevServer.freePort();
  }
}
