package dev.gantry.starter.cli;

import dev.gantry.starter.client.GantryException;
import dev.gantry.starter.client.ReleaseFailedException;
import dev.gantry.starter.spec.SpecException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code gantry}: start, follow and approve releases. Exit codes: 0 ok, 1 the release failed or the
 * request was refused, 2 usage error (bad flags, broken spec).
 */
@Command(name = "gantry", mixinStandardHelpOptions = true, versionProvider = GantryCli.Version.class,
    description = "Durable, audited releases on Temporal.",
    subcommands = {ReleaseCommand.class, CanaryCommandLine.class, RegionCommand.class, EnvCommand.class,
        FlagsCommand.class, ExperimentCommand.class,
        KeysCommand.class, ArtifactCommand.class,
        AuditCommand.class, PolicyCommand.class, WindowCommand.class, ApprovalTokenCommand.class, SetupCommand.class, CompletionCommand.class,
        CommandLine.HelpCommand.class})
public class GantryCli {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;

  public static void main(String[] args) {
    // The CLI's own quiet logging; named so that it never takes over an application embedding the
    // client library (the worker logs through Spring Boot).
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "logback-cli.xml");
    }
    System.exit(run(args));
  }

  public static int run(String... args) {
    return newCommandLine().execute(args);
  }

  /**
   * gRPC and the Temporal SDK log through java.util.logging to stderr, stack traces included (an unknown
   * host, a refused connection): the CLI says what went wrong in its own line instead. Held here so that
   * the logger (and its level) is not collected.
   */
  private static final java.util.logging.Logger GRPC_LOGS = java.util.logging.Logger.getLogger("io.grpc");

  public static CommandLine newCommandLine() {
    GRPC_LOGS.setLevel(java.util.logging.Level.OFF);
    CommandLine cli = new CommandLine(new GantryCli());
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
    return "gantry failed: " + dev.gantry.workflows.api.MessageLimits.cut(
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
