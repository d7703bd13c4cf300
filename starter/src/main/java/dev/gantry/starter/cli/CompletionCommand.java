package dev.gantry.starter.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code source <(gantry completion)}: bash (and zsh with bashcompinit) completion for every command. */
@Command(name = "completion", mixinStandardHelpOptions = true,
    description = "Print a bash/zsh completion script: source <(gantry completion)")
class CompletionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getOut().print(AutoComplete.bash("gantry", spec.root().commandLine()));
    spec.commandLine().getOut().flush();
    return GantryCli.OK;
  }
}
