package dev.gantry.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.starter.spec.PolicyActivitiesImpl;
import dev.gantry.workflows.api.flags.Allocation;
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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flag ramp's input names the Split settings and metrics endpoint its activities use, and anyone allowed to
 * start workflows can write it: the worker's flag activities use only what its policy declares, so a forged input
 * cannot send the worker's Admin API key (or read a file, or fetch a URL) of its choosing.
 */
class PolicyBoundFlagsTest {
  static final SplitSettings DECLARED = new SplitSettings("ws-1", "Production", "SPLIT_ADMIN_API_KEY",
      "https://split.example/internal/api/v2", null, null);
  @TempDir Path dir;

  /** Records what reached Split or the metrics endpoint. */
  static class Recording implements FeatureFlagActivities, FlagAnalysisActivities {
    final List<Object> calls = new ArrayList<>();

    @Override
    public RequiredFlagsResult checkRequired(RequiredFlagsRequest request) {
      calls.add(request);
      return null;
    }

    @Override
    public TreatmentResult treatment(TreatmentRequest request) {
      calls.add(request);
      return null;
    }

    @Override
    public FlagList listFlags(ListFlagsRequest request) {
      calls.add(request);
      return null;
    }

    @Override
    public FlagState setDefaultRule(SetDefaultRuleRequest request) {
      calls.add(request);
      return null;
    }

    @Override
    public FlagState kill(KillFlagRequest request) {
      calls.add(request);
      return null;
    }

    @Override
    public MetricCounts readCounts(MetricRequest request) {
      calls.add(request);
      return null;
    }

    @Override
    public ExperimentResult compare(ExperimentAnalysisRequest request) {
      return null;
    }
  }

  @Test
  void onlyTheSplitSettingsAndMetricsEndpointThePolicyDeclaresAreUsed() {
    TestPolicy policy = TestPolicy.in(dir).application("shop", "production").environment("production", """
        regions: [{name: us-east-1}]
        target: {type: local, root: ../targets}
        healthCheck: {command: "true"}
        verification: {required: false}
        flags:
          split: {workspaceId: ws-1, environment: Production, adminApiKeyEnv: SPLIT_ADMIN_API_KEY,
                  adminUrl: "https://split.example/internal/api/v2"}
          metricsUrl: https://metrics.example/counts
          ramps:
            - {flag: new-checkout, steps: [10, 100], bakeMinutes: 60, metric: errors, maxRate: 0.2}
        """);
    policy.write();
    PolicyActivitiesImpl resolver = new PolicyActivitiesImpl(policy.dir());
    Recording split = new Recording();
    PolicyBoundFlags flags = new PolicyBoundFlags(split, resolver::declaredFlags);
    PolicyBoundFlags.Analysis metrics = new PolicyBoundFlags.Analysis(split, resolver::declaredFlags);
    List<Allocation> on = List.of(new Allocation("on", 100));

    flags.setDefaultRule(new SetDefaultRuleRequest(DECLARED, "new-checkout", on, "ramp"));
    metrics.readCounts(new MetricRequest("https://metrics.example/counts", "new-checkout", "production", "errors", 0));
    assertThat(split.calls).hasSize(2);

    SplitSettings elsewhere = new SplitSettings("ws-1", "Production", "SPLIT_ADMIN_API_KEY",
        "https://attacker.example/collect", null, null);
    SplitSettings anotherSecret = new SplitSettings("ws-1", "Production", "AWS_SECRET_ACCESS_KEY",
        "https://split.example/internal/api/v2", null, null);
    SplitSettings aWorkerFile = new SplitSettings("ws-1", "Production", null, null, null, "/etc/shadow");
    for (SplitSettings forged : List.of(elsewhere, anotherSecret, aWorkerFile)) {
      assertThatThrownBy(() -> flags.setDefaultRule(new SetDefaultRuleRequest(forged, "new-checkout", on, "x")))
          .isInstanceOf(ApplicationFailure.class).hasMessageContaining("field 'split'")
          .hasMessageContaining("not the flags.split of any environment").hasMessageNotContaining("attacker")
          .hasMessageNotContaining("/etc/shadow");
      assertThatThrownBy(() -> flags.kill(new KillFlagRequest(forged, "new-checkout", "x")))
          .isInstanceOf(ApplicationFailure.class);
      assertThatThrownBy(() -> flags.treatment(new TreatmentRequest(forged, "new-checkout", "k", null)))
          .isInstanceOf(ApplicationFailure.class);
      assertThatThrownBy(() -> flags.listFlags(new ListFlagsRequest(forged))).isInstanceOf(ApplicationFailure.class);
      assertThatThrownBy(() -> flags.checkRequired(new RequiredFlagsRequest("release/shop/1.0.0", "production",
          forged, List.of("new-checkout")))).isInstanceOf(ApplicationFailure.class);
    }
    assertThatThrownBy(() -> metrics.readCounts(new MetricRequest("http://169.254.169.254/latest/meta-data",
        "new-checkout", "production", "errors", 0))).isInstanceOf(ApplicationFailure.class)
        .hasMessageContaining("field 'url'");
    assertThat(split.calls).hasSize(2);
  }
}
