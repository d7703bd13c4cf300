package dev.gantry.starter.cli;

import dev.gantry.starter.client.GantryClient;
import dev.gantry.starter.client.SearchAttributeSetup;
import dev.gantry.workflows.api.release.SearchAttributes;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code gantry setup}: registers Gantry's search attributes in the namespace (idempotent). */
@Command(name = "setup", mixinStandardHelpOptions = true,
    description = "Register Gantry's search attributes in the namespace (safe to run again).")
class SetupCommand implements Callable<Integer>, ReleaseCommand.Connected {
  @Mixin ConnectionOptions connection;
  @Spec CommandSpec spec;

  @Override
  public ConnectionOptions connection() {
    return connection;
  }

  @Override
  public Integer call() {
    try (GantryClient gantry = connection.connect()) {
      java.util.List<String> added;
      try {
        added = SearchAttributeSetup.ensure(gantry.workflowClient().getWorkflowServiceStubs(),
            connection.namespace);
      } catch (io.grpc.StatusRuntimeException e) {
        throw new dev.gantry.starter.client.GantryException("Temporal refused to register the search attributes"
            + " in namespace " + connection.namespace + " (" + e.getStatus().getCode() + ": "
            + e.getStatus().getDescription() + "): run `gantry setup` with an operator's credentials");
      }
      var all = SearchAttributes.ALL.stream().map(key -> key.getName()).toList();
      if (connection.output == ConnectionOptions.OutputFormat.json) {
        Output.json(spec.commandLine().getOut(), Map.of("namespace", connection.namespace, "added", added,
            "searchAttributes", all));
      } else {
        spec.commandLine().getOut().println(added.isEmpty()
            ? "namespace " + connection.namespace + " already has " + String.join(", ", all)
            : "registered " + String.join(", ", added) + " in namespace " + connection.namespace);
        spec.commandLine().getOut().flush();
      }
      return GantryCli.OK;
    }
  }
}
