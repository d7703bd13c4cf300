package dev.gantry.starter.cli;

import dev.gantry.starter.client.GantryException;
import dev.gantry.starter.client.ReleaseFailedException;
import dev.gantry.starter.spec.SpecException;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code gantry}: start, follow and approve releases. Exit codes: 0 ok, 1 the release failed or the
 * request was refused, 2 usage error (bad flags, broken spec).
 */
@Command(name = "gantry", mixinStandardHelpOptions = true, versionProvider = GantryCli.Version.class,
    description = "Durable, audited releases on Temporal.")
public class GantryCli {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;

  /**
   * Every subcommand, in the order help lists them. Registered here rather than in {@code @Command(subcommands)}
   * so that a run of one command builds the picocli model of that command only: picocli reflects over every
   * registered class (and, for commands like {@code artifact}, over types from the adapters' jars, which the
   * launcher leaves off the class path of commands that do not need them).
   */
  static final List<Class<?>> SUBCOMMANDS = List.of(ReleaseCommand.class, CanaryCommandLine.class,
      RegionCommand.class, EnvCommand.class, FlagsCommand.class, ExperimentCommand.class,
      KeysCommand.class, ArtifactCommand.class,
      AuditCommand.class, PolicyCommand.class, WindowCommand.class, ApprovalTokenCommand.class, SetupCommand.class,
      CompletionCommand.class, CommandLine.HelpCommand.class);

  /** These need the whole tree (help lists it, completion walks it). */
  private static final Set<String> WHOLE_TREE = Set.of("help", "completion");

  public static void main(String[] args) {
    // The CLI's own quiet logging (errors only, to stderr), chosen by name so that SLF4J neither scans the class
    // path for providers nor configures a logging framework; an application embedding the client keeps its own.
    if (System.getProperty("slf4j.provider") == null) {
      System.setProperty("slf4j.provider", CliLogging.class.getName());
    }
    if (System.getProperty("slf4j.internal.verbosity") == null) {
      System.setProperty("slf4j.internal.verbosity", "WARN"); // not "Attempting to load provider ..." on every run
    }
    int code;
    try {
      code = run(args);
    } catch (NoClassDefFoundError missing) {
      // The launcher gives the adapters' jars (lib/adapters) only to the commands that need them.
      System.err.println("error: this command needs " + missing.getMessage().replace('/', '.') + ", which is in"
          + " the adapters' jars: run it with the gantry launcher, or add lib/adapters/*.jar to the class path");
      code = USAGE;
    }
    System.exit(code);
  }

  public static int run(String... args) {
    return newCommandLine(args).execute(args);
  }

  /**
   * gRPC and the Temporal SDK log through java.util.logging to stderr, stack traces included (an unknown
   * host, a refused connection): the CLI says what went wrong in its own line instead. Held here so that
   * the logger (and its level) is not collected.
   */
  private static final java.util.logging.Logger GRPC_LOGS = java.util.logging.Logger.getLogger("io.grpc");

  /** The whole command tree. */
  public static CommandLine newCommandLine() {
    return newCommandLine(new String[0]);
  }

  /**
   * The command tree these arguments need: when the first argument names a subcommand, that subcommand only
   * (the rest are not even loaded); otherwise the whole tree.
   */
  public static CommandLine newCommandLine(String... args) {
    GRPC_LOGS.setLevel(java.util.logging.Level.OFF);
    CommandLine cli = new CommandLine(new GantryCli());
    String first = args.length == 0 ? null : args[0];
    Class<?> only = null;
    if (first != null && !WHOLE_TREE.contains(first)) {
      for (Class<?> subcommand : SUBCOMMANDS) {
        Command command = subcommand.getAnnotation(Command.class);
        if (command != null && (command.name().equals(first) || List.of(command.aliases()).contains(first))) {
          only = subcommand;
          break;
        }
      }
    }
    CommandLine group = only != null && args.length > 1 ? groupWithOnly(only, args[1]) : null;
    if (group != null) {
      cli.addSubcommand(group);
    } else {
      for (Class<?> subcommand : only != null ? List.<Class<?>>of(only) : SUBCOMMANDS) {
        cli.addSubcommand(subcommand);
      }
    }
    // `--version` on every command, not only on `gantry` itself (the others have no provider of their own)
    versionEverywhere(cli, new Version());
    // picocli's own conversion error would show java.time's exception class
    cli.registerConverter(java.time.Duration.class, value -> {
      try {
        return java.time.Duration.parse(value);
      } catch (java.time.format.DateTimeParseException e) {
        throw new CommandLine.TypeConversionException("'" + value + "' is not a duration: use ISO-8601,"
            + " like PT30M, PT2H or P1D");
      }
    });
    cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      ConnectionOptions.OutputFormat format = formatOf(commandLine);
      if (ex instanceof SpecException spec) {
        Output.error(commandLine.getOut(), commandLine.getErr(), format, spec.getMessage(),
            spec.problems());
        return USAGE;
      }
      if (ex instanceof IllegalArgumentException usage) {
        Output.error(commandLine.getOut(), commandLine.getErr(), format, usage.getMessage(), null);
        return USAGE;
      }
      if (ex instanceof ReleaseFailedException || ex instanceof GantryException) {
        Output.error(commandLine.getOut(), commandLine.getErr(), format, ex.getMessage(), null);
        return FAILED;
      }
      // A backstop: every known failure above says what went wrong; anything else still gets one line,
      // never a stack trace (GANTRY_DEBUG=1 shows it, for a bug report).
      if (System.getenv("GANTRY_DEBUG") != null) {
        ex.printStackTrace(commandLine.getErr());
      }
      Output.error(commandLine.getOut(), commandLine.getErr(), format, unexpected(ex), null);
      return FAILED;
    });
    return cli;
  }

  /**
   * {@code gantry release status ...}: the group {@code release} with its {@code status} subcommand only (a stand-in
   * for the group with the group's name, description and help options: the group itself runs nothing when a
   * subcommand is named). Null when the second argument names no subcommand of the group (help, a typo): then the
   * whole group is built, as before.
   */
  private static CommandLine groupWithOnly(Class<?> groupClass, String name) {
    Command group = groupClass.getAnnotation(Command.class);
    Class<?> leaf = null;
    for (Class<?> subcommand : group.subcommands()) {
      Command command = subcommand.getAnnotation(Command.class);
      if (command != null && (command.name().equals(name) || List.of(command.aliases()).contains(name))) {
        leaf = subcommand;
        break;
      }
    }
    if (leaf == null || groupClass.getDeclaredFields().length > 0 || java.util.concurrent.Callable.class
        .isAssignableFrom(groupClass) || Runnable.class.isAssignableFrom(groupClass)) {
      return null; // a group with options or behaviour of its own is built whole
    }
    Object instance;
    try {
      var constructor = groupClass.getDeclaredConstructor();
      constructor.setAccessible(true);
      instance = constructor.newInstance();
    } catch (ReflectiveOperationException e) {
      return null;
    }
    CommandSpec spec = CommandSpec.wrapWithoutInspection(instance).name(group.name())
        .aliases(group.aliases()).mixinStandardHelpOptions(group.mixinStandardHelpOptions());
    spec.usageMessage().description(group.description());
    CommandLine line = new CommandLine(spec);
    line.addSubcommand(leaf);
    return line;
  }

  /** An unexpected failure in one line: its message (or its kind, for one without), never a class name. */
  static String unexpected(Throwable ex) {
    Throwable root = ex;
    while (root.getCause() != null && root.getCause() != root && (root.getMessage() == null
        || root.getMessage().isBlank())) {
      root = root.getCause();
    }
    String message = root.getMessage();
    if (message == null || message.isBlank()) {
      message = "an unexpected failure with no message";
    }
    return "gantry failed: " + dev.gantry.workflows.api.input.MessageLimits.cut(
        message.replaceAll("\\b(?:[a-z]+\\.)+[A-Z]\\w*(?:Exception|Error):\\s*", ""), 400)
        + " (set GANTRY_DEBUG=1 for details)";
  }

  private static void versionEverywhere(CommandLine command, CommandLine.IVersionProvider version) {
    if (command.getCommandSpec().versionProvider() == null && command.getCommandSpec().version().length == 0) {
      command.getCommandSpec().versionProvider(version);
    }
    for (CommandLine sub : command.getSubcommands().values()) {
      versionEverywhere(sub, version);
    }
  }

  private static ConnectionOptions.OutputFormat formatOf(CommandLine commandLine) {
    Object command = commandLine.getCommand();
    if (command instanceof ReleaseCommand.Connected connected && connected.connection() != null
        && connected.connection().output != null) {
      return connected.connection().output;
    }
    if (command instanceof OutputOption.Holder holder && holder.outputOption() != null
        && holder.outputOption().output != null) {
      return holder.outputOption().output;
    }
    return ConnectionOptions.OutputFormat.text;
  }

  static class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = GantryCli.class.getPackage().getImplementationVersion();
      return new String[] {"gantry " + (version == null ? "development build" : version)};
    }
  }
}
