package dev.gantry.starter.cli;

import dev.gantry.starter.spec.Policy;
import dev.gantry.starter.spec.PolicyDirectory;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code gantry policy check DIR}: reads a policy directory exactly as the worker does at start-up, so the
 * platform team's CI can refuse a policy change before it is merged.
 */
@Command(name = "policy", mixinStandardHelpOptions = true, description = "Check the platform's policy directory.",
    subcommands = {PolicyCommand.Check.class})
class PolicyCommand {

  @Command(name = "check", mixinStandardHelpOptions = true,
      description = "Read a policy directory as the worker would (every application and environment). Exit 0"
          + " when the worker would start with it, 2 with every problem named by file and field.")
  static class Check implements Callable<Integer>, OutputOption.Holder {
    @Parameters(paramLabel = "DIR", description = "The policy directory (the folder of policy.yaml).")
    Path directory;

    @Mixin OutputOption output;
    @Spec CommandSpec spec;

    @Override
    public OutputOption outputOption() {
      return output;
    }

    @Override
    public Integer call() {
      Policy policy = new PolicyDirectory().load(directory);
      PrintWriter out = spec.commandLine().getOut();
      Map<String, Object> applications = new LinkedHashMap<>();
      policy.applications().forEach((name, application) -> applications.put(name, Map.of(
          "promotion", application.promotion(),
          "owners", application.owners(),
          "approvals", application.environments().values().stream()
              .map(env -> env.name() + "=" + (env.needsApproval() ? env.approval().minApprovalsOrDefault() : 0))
              .toList())));
      if (output.json()) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("path", policy.stamp().path());
        report.put("digest", policy.stamp().digest());
        report.put("commit", policy.stamp().commit());
        report.put("applications", applications);
        Output.json(out, report);
      } else {
        out.println(policy.stamp().path() + ": usable, " + policy.stamp().summary());
        policy.applications().forEach((name, application) -> {
          out.println("  " + name + ": " + String.join(" -> ", application.promotion()));
          for (EnvironmentPlan env : application.environments().values()) {
            out.println("    " + env.name() + ": " + env.target().type() + " target, "
                + (env.needsApproval() ? env.approval().minApprovalsOrDefault() + " approval(s) from "
                    + env.approval().whoMayApprove() : "no approval gate")
                + (env.verification() != null && env.verification().required() ? ", signatures verified"
                    + keyless(env.verification()) : ", SIGNATURES NOT VERIFIED")
                + (env.approval() != null && (env.approval().signed() || env.approval().signsEverything())
                    ? ", signed actors" : env.needsApproval() ? ", TYPED NAMES (signedApprovals: false)" : ""));
          }
        });
      }
      out.flush();
      return GantryCli.OK;
    }

    /** Who signs keylessly, when policy trusts keyless signatures. */
    private static String keyless(dev.gantry.workflows.api.signing.VerificationPolicy verification) {
      if (verification.keyless() == null) {
        return "";
      }
      int identities = verification.keyless().identitiesOrEmpty().size();
      return " (" + (verification.trustedKeys() == null ? "keyless only" : "trusted keys and keyless") + ": "
          + identities + " identit" + (identities == 1 ? "y" : "ies") + ")";
    }
  }
}
