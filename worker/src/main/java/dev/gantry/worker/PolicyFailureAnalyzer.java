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
    if (cause.getMessage() != null && cause.getMessage().contains("gantry.audit.key")) {
      return new FailureAnalysis(cause.getMessage(), "Give the worker its audit key (gantry.audit.key /"
          + " GANTRY_AUDIT_KEY) and start it again; see docs/signing-key-management.md#8-the-worker-audit-key.",
          cause);
    }
    return new FailureAnalysis(cause.getMessage(),
        "Fix the policy directory (gantry.policy.path / GANTRY_POLICY) and start the worker again;"
            + " `gantry policy check <dir>` shows the same problems without starting a worker.", cause);
  }
}
