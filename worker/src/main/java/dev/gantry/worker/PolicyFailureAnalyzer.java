package dev.gantry.worker;

import dev.gantry.starter.spec.SpecException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * A worker whose platform policy cannot be used stops at start-up with the policy's problems, each naming
 * its file and field, instead of a page of bean-creation stack trace.
 */
class PolicyFailureAnalyzer extends AbstractFailureAnalyzer<SpecException> {
  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, SpecException cause) {
    return new FailureAnalysis(cause.getMessage(),
        "Fix the policy directory (gantry.policy.path / GANTRY_POLICY) and start the worker again;"
            + " `gantry policy check <dir>` shows the same problems without starting a worker.", cause);
  }
}
