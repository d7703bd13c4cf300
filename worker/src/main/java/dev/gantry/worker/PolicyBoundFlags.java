package dev.gantry.worker;

import dev.gantry.starter.spec.PolicyActivitiesImpl.DeclaredFlags;
import dev.gantry.workflows.api.flags.ExperimentAnalysisRequest;
import dev.gantry.workflows.api.flags.ExperimentResult;
import dev.gantry.workflows.api.flags.FeatureFlagActivities;
import dev.gantry.workflows.api.flags.FlagAnalysisActivities;
import dev.gantry.workflows.api.flags.FlagList;
import dev.gantry.workflows.api.flags.FlagState;
import dev.gantry.workflows.api.flags.KillFlagRequest;
import dev.gantry.workflows.api.flags.ListFlagsRequest;
import dev.gantry.workflows.api.flags.MetricCounts;
import dev.gantry.workflows.api.flags.MetricRequest;
import dev.gantry.workflows.api.flags.RequiredFlagsRequest;
import dev.gantry.workflows.api.flags.RequiredFlagsResult;
import dev.gantry.workflows.api.flags.SetDefaultRuleRequest;
import dev.gantry.workflows.api.flags.SplitSettings;
import dev.gantry.workflows.api.flags.TreatmentRequest;
import dev.gantry.workflows.api.flags.TreatmentResult;
import io.temporal.failure.ApplicationFailure;
import java.util.function.Supplier;

/**
 * The worker's flag activities, bound to the platform policy: a flag ramp or experiment can be started by any
 * client allowed to start workflows, and its input names the Split settings (API URL, the worker's variable that
 * holds the Admin API key, a localhost file) and the metrics endpoint. Only settings and endpoints that an
 * environment of the worker's policy declares in its {@code flags} section are used; anything else is refused
 * before a key is read or a request is sent (else a forged input could send the worker's secrets to any URL).
 */
final class PolicyBoundFlags implements FeatureFlagActivities, AutoCloseable {
  static final String NOT_DECLARED = "FlagSettingsNotInPolicy";

  private final FeatureFlagActivities flags;
  private final Supplier<DeclaredFlags> declared;

  PolicyBoundFlags(FeatureFlagActivities flags, Supplier<DeclaredFlags> declared) {
    this.flags = flags;
    this.declared = declared;
  }

  /** The metrics side: only endpoints that policy declares as an environment's {@code flags.metricsUrl}. */
  static final class Analysis implements FlagAnalysisActivities {
    private final FlagAnalysisActivities analysis;
    private final Supplier<DeclaredFlags> declared;

    Analysis(FlagAnalysisActivities analysis, Supplier<DeclaredFlags> declared) {
      this.analysis = analysis;
      this.declared = declared;
    }

    @Override
    public MetricCounts readCounts(MetricRequest request) {
      if (request == null || request.url() == null || !declared.get().metricsUrls().contains(request.url())) {
        throw ApplicationFailure.newNonRetryableFailure("field 'url': this metrics endpoint is not the"
            + " flags.metricsUrl of any environment in the worker's platform policy; flag ramps and experiments"
            + " read only the endpoints policy declares (start them with `gantry flags` from a checkout at the"
            + " worker's policy)", NOT_DECLARED);
      }
      return analysis.readCounts(request);
    }

    @Override
    public ExperimentResult compare(ExperimentAnalysisRequest request) {
      return analysis.compare(request);
    }
  }

  @Override
  public RequiredFlagsResult checkRequired(RequiredFlagsRequest request) {
    declared(request == null ? null : request.split());
    return flags.checkRequired(request);
  }

  @Override
  public TreatmentResult treatment(TreatmentRequest request) {
    declared(request == null ? null : request.split());
    return flags.treatment(request);
  }

  @Override
  public FlagList listFlags(ListFlagsRequest request) {
    declared(request == null ? null : request.split());
    return flags.listFlags(request);
  }

  @Override
  public FlagState setDefaultRule(SetDefaultRuleRequest request) {
    declared(request == null ? null : request.split());
    return flags.setDefaultRule(request);
  }

  @Override
  public FlagState kill(KillFlagRequest request) {
    declared(request == null ? null : request.split());
    return flags.kill(request);
  }

  @Override
  public void close() {
    if (flags instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while closing the Split clients", interrupted);
      } catch (Exception e) {
        throw new IllegalStateException("could not close the Split clients: " + e.getMessage(), e);
      }
    }
  }

  /** Refuses, naming no value, settings that policy does not declare exactly. */
  private void declared(SplitSettings split) {
    if (split == null || !declared.get().splits().contains(split)) {
      throw ApplicationFailure.newNonRetryableFailure("field 'split': these Split settings (workspace, API URL, key"
          + " variables, localhost file) are not the flags.split of any environment in the worker's platform"
          + " policy; flag ramps and experiments use only the settings policy declares (start them with `gantry"
          + " flags` from a checkout at the worker's policy)", NOT_DECLARED);
    }
  }
}
