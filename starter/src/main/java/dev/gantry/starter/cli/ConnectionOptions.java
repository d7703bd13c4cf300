package dev.gantry.starter.cli;

import dev.gantry.starter.client.GantryClient;
import picocli.CommandLine.Option;

/** Where the Temporal service is; flags win over GANTRY_ADDRESS / GANTRY_NAMESPACE. */
public class ConnectionOptions {
  @Option(names = "--address", paramLabel = "HOST:PORT",
      defaultValue = "${env:GANTRY_ADDRESS:-127.0.0.1:7233}",
      description = "Temporal frontend address (env GANTRY_ADDRESS; default ${DEFAULT-VALUE}).")
  String address;

  @Option(names = "--namespace", defaultValue = "${env:GANTRY_NAMESPACE:-default}",
      description = "Temporal namespace (env GANTRY_NAMESPACE; default ${DEFAULT-VALUE}).")
  String namespace;

  @Option(names = {"-o", "--output"}, defaultValue = "text",
      description = "Output format: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
  OutputFormat output;

  GantryClient connect() {
    return GantryClient.connect(address, namespace);
  }

  enum OutputFormat { text, json }
}
