package dev.gantry.workflows.api.rollout;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Reads a step's metrics and judges them: pass, fail or inconclusive. Reads only: safe to retry. */
@ActivityInterface(namePrefix = "Analysis.")
public interface AnalysisActivities {

  @ActivityMethod(name = "Analysis.analyze")
  AnalysisResult analyze(AnalysisRequest request);
}
