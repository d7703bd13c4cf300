package dev.gantry.starter.cli;

import picocli.CommandLine.Option;

/** {@code --output text|json} for the commands that need no Temporal connection. */
class OutputOption {
  @Option(names = {"-o", "--output"}, defaultValue = "text",
      description = "text (for people) or json (for scripts); default ${DEFAULT-VALUE}.")
  ConnectionOptions.OutputFormat output;

  boolean json() {
    return output == ConnectionOptions.OutputFormat.json;
  }

  /** Commands with this option report their errors in the format asked for. */
  interface Holder {
    OutputOption outputOption();
  }
}
