package dev.gantry.workflows.support;

import dev.gantry.workflows.api.flags.Allocation;
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
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One Split environment in memory, with the adapter's semantics: flags exist or not, are killed or not,
 * carry a default rule; an unknown flag cannot be changed ({@code FlagNotFound}). Every change is logged.
 */
public final class FakeFlags implements FeatureFlagActivities {
  private final Map<String, FlagState> flags = new LinkedHashMap<>();
  /** "flag treatment size / treatment size" per change, in order. */
  public final List<String> changes = new CopyOnWriteArrayList<>();
  public final List<RequiredFlagsRequest> checks = new CopyOnWriteArrayList<>();

  public synchronized FakeFlags define(String flag, boolean killed) {
    flags.put(flag, new FlagState(flag, killed, "off", Allocation.rollout("on", "off", 0), 1L));
    return this;
  }

  public synchronized int percentOf(String flag, String treatment) {
    return flags.get(flag).defaultRule().stream().filter(a -> a.treatment().equals(treatment))
        .mapToInt(Allocation::size).sum();
  }

  @Override
  public synchronized RequiredFlagsResult checkRequired(RequiredFlagsRequest request) {
    checks.add(request);
    List<String> present = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    List<String> killed = new ArrayList<>();
    for (String flag : request.flags()) {
      FlagState state = flags.get(flag);
      (state == null ? missing : state.killed() ? killed : present).add(flag);
    }
    return new RequiredFlagsResult(present, missing, killed, "fake split " + request.split().environment());
  }

  @Override
  public synchronized TreatmentResult treatment(TreatmentRequest request) {
    FlagState state = flags.get(request.flag());
    return new TreatmentResult(request.flag(), request.key(), state == null ? "control" : state.defaultTreatment());
  }

  @Override
  public synchronized FlagList listFlags(ListFlagsRequest request) {
    return new FlagList(request.split().environment(), List.copyOf(flags.values()));
  }

  @Override
  public synchronized FlagState setDefaultRule(SetDefaultRuleRequest request) {
    FlagState state = existing(request.flag());
    FlagState changed = new FlagState(state.name(), state.killed(), state.defaultTreatment(),
        List.copyOf(request.defaultRule()), state.lastUpdateTime() + 1);
    flags.put(state.name(), changed);
    changes.add(request.flag() + " " + Allocation.describe(request.defaultRule()));
    return changed;
  }

  @Override
  public synchronized FlagState kill(KillFlagRequest request) {
    FlagState state = existing(request.flag());
    FlagState killed = new FlagState(state.name(), true, state.defaultTreatment(), state.defaultRule(),
        state.lastUpdateTime() + 1);
    flags.put(state.name(), killed);
    changes.add(request.flag() + " killed");
    return killed;
  }

  private FlagState existing(String flag) {
    FlagState state = flags.get(flag);
    if (state == null) {
      throw ApplicationFailure.newNonRetryableFailure("flag " + flag + " is not defined", NOT_FOUND);
    }
    return state;
  }
}
