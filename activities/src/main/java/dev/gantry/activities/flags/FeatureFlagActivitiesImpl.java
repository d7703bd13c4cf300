package dev.gantry.activities.flags;

import dev.gantry.activities.deploy.Heartbeats;

import dev.gantry.workflows.api.flags.FeatureFlagActivities;
import dev.gantry.workflows.api.flags.FlagList;
import dev.gantry.workflows.api.flags.FlagState;
import dev.gantry.workflows.api.flags.KillFlagRequest;
import dev.gantry.workflows.api.flags.ListFlagsRequest;
import dev.gantry.workflows.api.flags.RequiredFlagsRequest;
import dev.gantry.workflows.api.flags.RequiredFlagsResult;
import dev.gantry.workflows.api.flags.SetDefaultRuleRequest;
import dev.gantry.workflows.api.flags.TreatmentRequest;
import dev.gantry.workflows.api.flags.TreatmentResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The flags port on Split: required flags are checked with the SDK when the environment configures one
 * (localhost file or SDK key), else with the Admin API's flag list; changes always go through the Admin API.
 */
public class FeatureFlagActivitiesImpl implements FeatureFlagActivities, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FeatureFlagActivitiesImpl.class);

  private final SplitAdminClient admin;
  private final SplitSdkFlags sdk;

  public FeatureFlagActivitiesImpl(SplitAdminClient admin, SplitSdkFlags sdk) {
    this.admin = admin;
    this.sdk = sdk;
  }

  /** Keys from the given environment (e.g. System::getenv); the SDK waits at most 10 s to be ready. */
  public static FeatureFlagActivitiesImpl standard(Function<String, String> environment) {
    return new FeatureFlagActivitiesImpl(SplitAdminClient.standard(environment), new SplitSdkFlags(environment, 10_000));
  }

  @Override
  public RequiredFlagsResult checkRequired(RequiredFlagsRequest request) {
    return Heartbeats.during(() -> checkRequiredNow(request));
  }

  private RequiredFlagsResult checkRequiredNow(RequiredFlagsRequest request) {
    List<String> present = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    List<String> killed = new ArrayList<>();
    String source;
    if (request.split() != null && request.split().hasSdk()) {
      Map<String, SplitSdkFlags.SdkFlag> flags = sdk.flags(request.split(), request.flags());
      for (String name : request.flags()) {
        SplitSdkFlags.SdkFlag flag = flags.get(name);
        (flag == null ? missing : flag.killed() ? killed : present).add(name);
      }
      source = SplitSdkFlags.source(request.split());
    } else {
      Map<String, FlagState> flags = admin.listFlags(request.split()).stream()
          .collect(Collectors.toMap(FlagState::name, f -> f, (a, b) -> a));
      for (String name : request.flags()) {
        FlagState flag = flags.get(name);
        (flag == null ? missing : flag.killed() ? killed : present).add(name);
      }
      source = "split-admin-api " + request.split().environment();
    }
    return new RequiredFlagsResult(present, missing, killed, source);
  }

  @Override
  public TreatmentResult treatment(TreatmentRequest request) {
    return Heartbeats.during(() -> treatmentNow(request));
  }

  private TreatmentResult treatmentNow(TreatmentRequest request) {
    return new TreatmentResult(request.flag(), request.key(),
        sdk.treatment(request.split(), request.flag(), request.key(), request.attributes()));
  }

  @Override
  public FlagList listFlags(ListFlagsRequest request) {
    return Heartbeats.during(() -> listFlagsNow(request));
  }

  private FlagList listFlagsNow(ListFlagsRequest request) {
    return new FlagList(request.split() == null ? null : request.split().environment(),
        admin.listFlags(request.split()));
  }

  @Override
  public FlagState setDefaultRule(SetDefaultRuleRequest request) {
    return Heartbeats.during(() -> setDefaultRuleNow(request));
  }

  private FlagState setDefaultRuleNow(SetDefaultRuleRequest request) {
    FlagState state = admin.setDefaultRule(request.split(), request.flag(), request.defaultRule());
    log.info("split flag={} environment={} defaultRule={} reason={}", request.flag(), request.split().environment(),
        dev.gantry.workflows.api.flags.Allocation.describe(request.defaultRule()), request.reason());
    return state;
  }

  @Override
  public FlagState kill(KillFlagRequest request) {
    return Heartbeats.during(() -> killNow(request));
  }

  private FlagState killNow(KillFlagRequest request) {
    FlagState state = admin.kill(request.split(), request.flag());
    log.warn("split flag={} environment={} KILLED reason={}", request.flag(), request.split().environment(),
        request.reason());
    return state;
  }

  @Override
  public void close() {
    sdk.close();
  }
}
