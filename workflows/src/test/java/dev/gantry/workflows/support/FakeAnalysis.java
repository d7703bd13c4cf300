package dev.gantry.workflows.support;

import dev.gantry.workflows.api.rollout.AnalysisActivities;
import dev.gantry.workflows.api.rollout.AnalysisRequest;
import dev.gantry.workflows.api.rollout.AnalysisResult;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Recorded metric verdicts: pass everywhere unless told otherwise for a region at a weight. */
public final class FakeAnalysis implements AnalysisActivities {
  private final Map<String, AnalysisResult> scripted = new ConcurrentHashMap<>();
  private final List<AnalysisRequest> requests = new CopyOnWriteArrayList<>();

  public FakeAnalysis at(String region, int weight, AnalysisResult result) {
    scripted.put(region + "@" + weight, result);
    return this;
  }

  public List<AnalysisRequest> requests() {
    return List.copyOf(requests);
  }

  @Override
  public AnalysisResult analyze(AnalysisRequest request) {
    requests.add(request);
    return scripted.getOrDefault(request.region() + "@" + request.weight(),
        AnalysisResult.pass("error rate 0.1% <= 1.0%; p99 120ms <= 500ms"));
  }
}
