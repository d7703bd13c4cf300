package dev.gantry.starter.cli;

import dev.gantry.starter.spec.ReleaseSpecLoader;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --spec}: the release spec of the commands about an environment rather than a release (env, region,
 * flags, experiment). The environment's settings come from the platform policy the spec points to.
 */
class EnvironmentSpecOption {
  @Option(names = "--spec", defaultValue = "release.yaml",
      description = "The release spec whose environments hold ENV's config.yaml (default ${DEFAULT-VALUE}).")
  Path specFile;

  /** Read before connecting: a broken config is a usage error (exit 2), whatever the server does. */
  EnvironmentPlan plan(String environment) {
    return new ReleaseSpecLoader().loadEnvironment(specFile, environment);
  }

  /** The application the spec names. */
  String application() {
    return new ReleaseSpecLoader().application(specFile);
  }
}
