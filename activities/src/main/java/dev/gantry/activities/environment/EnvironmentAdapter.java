package dev.gantry.activities.environment;

import dev.gantry.workflows.api.environment.ArchiveRequest;
import dev.gantry.workflows.api.environment.ConfigActual;
import dev.gantry.workflows.api.environment.ConfigApplied;
import dev.gantry.workflows.api.environment.ConfigRequest;
import dev.gantry.workflows.api.environment.RecordedDeployment;
import dev.gantry.workflows.api.environment.RegionsActual;
import dev.gantry.workflows.api.environment.RegionsRequest;
import dev.gantry.workflows.api.environment.Registration;
import dev.gantry.workflows.api.environment.StackRequest;
import dev.gantry.workflows.api.environment.StackStatus;
import java.util.List;

/** One kind of target's environment store (see {@link dev.gantry.workflows.api.environment.EnvironmentActivities}). */
public interface EnvironmentAdapter {
  /** The target types served. */
  List<String> types();

  ConfigApplied applyConfig(ConfigRequest request);

  ConfigActual readConfig(ConfigRequest request);

  RegionsActual readRegions(RegionsRequest request);

  RecordedDeployment readRecordedDeployment(RegionsRequest request);

  StackStatus createStack(StackRequest request);

  StackStatus awaitStack(StackRequest request);

  StackStatus deleteStack(StackRequest request);

  String register(Registration registration);

  Registration readRegistration(RegionsRequest request);

  /** Keeps what the environment leaves behind in {@code archive} (a folder), then removes it and its registration. */
  void retire(ArchiveRequest request, java.nio.file.Path archive);
}
