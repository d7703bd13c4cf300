package dev.gantry.workflows.support;

import dev.gantry.workflows.api.flags.ExperimentAnalysisRequest;
import dev.gantry.workflows.api.flags.ExperimentResult;
import dev.gantry.workflows.api.flags.FlagAnalysisActivities;
import dev.gantry.workflows.api.flags.MetricCounts;
import dev.gantry.workflows.api.flags.MetricRequest;
import dev.gantry.workflows.api.flags.TreatmentCount;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntFunction;

/**
 * A metrics endpoint whose answer depends on the flag's current share of {@code on} (read from the fake
 * Split), e.g. errors that appear only at 50%. The significance test is not faked: experiments are tested
 * with the real one in the activities module.
 */
public final class FakeFlagMetrics implements FlagAnalysisActivities {
  private final FakeFlags flags;
  /** percent of "on" -> the "on" treatment's (exposures, errors) */
  private final IntFunction<long[]> onCounts;
  public final List<MetricRequest> reads = new CopyOnWriteArrayList<>();

  public FakeFlagMetrics(FakeFlags flags, IntFunction<long[]> onCounts) {
    this.flags = flags;
    this.onCounts = onCounts;
  }

  @Override
  public MetricCounts readCounts(MetricRequest request) {
    reads.add(request);
    long[] on = onCounts.apply(flags.percentOf(request.flag(), "on"));
    return new MetricCounts(request.flag(), request.metric(),
        List.of(new TreatmentCount("on", on[0], on[1]), new TreatmentCount("off", 10_000, 20)));
  }

  @Override
  public ExperimentResult compare(ExperimentAnalysisRequest request) {
    throw new UnsupportedOperationException("experiments are tested against the real analysis");
  }
}
