package dev.gantry.starter.spec;

import dev.gantry.workflows.api.approval.ApprovalPolicy;
import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.environment.DriftPolicy;
import dev.gantry.workflows.api.environment.EnvironmentConfig;
import dev.gantry.workflows.api.environment.Infrastructure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** The environment's own settings in its config.yaml: {@code applyConfig}, {@code secrets}, {@code lifecycle}. */
final class EnvironmentSections {
  private static final Pattern PARAMETER_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
  private static final Pattern ENV_REFERENCE = Pattern.compile("env:[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern SSM_REFERENCE = Pattern.compile("ssm:/[A-Za-z0-9_.\\-/]+");
  /** CloudFormation's limit for a template passed in the request (TemplateBody). */
  static final int MAX_TEMPLATE_BYTES = 51_200;

  private EnvironmentSections() {}

  static EnvironmentConfig config(String where, Path base, EnvironmentConfigFile env, List<String> problems) {
    boolean apply = Boolean.TRUE.equals(env.applyConfig());
    Map<String, String> secrets = env.secrets() == null ? Map.of() : env.secrets();
    var lifecycle = env.lifecycle();
    if (!apply && secrets.isEmpty() && lifecycle == null) {
      return null; // nothing of the environment's own: releases record the variables and apply nothing
    }
    String type = env.target() == null ? null : env.target().type();
    if (DeployTarget.KUBERNETES.equals(type)) {
      problems.add(where + ": fields 'applyConfig', 'secrets' and 'lifecycle' are not served for the kubernetes"
          + " target yet (the cluster's own ConfigMaps, Secrets and manifests hold them): remove them");
      return null;
    }
    if (!secrets.isEmpty() && !apply) {
      problems.add(where + ": field 'secrets' needs `applyConfig: true`: secrets are references that the worker"
          + " resolves when it writes the environment's configuration");
    }
    if (apply) {
      Map<String, String> variables = env.variables() == null ? Map.of() : env.variables();
      for (String name : variables.keySet()) {
        if (!PARAMETER_NAME.matcher(name).matches()) {
          problems.add(where + ": field 'variables." + name + "': names are letters, digits, '_', '.', '-'");
        }
        if (secrets.containsKey(name)) {
          problems.add(where + ": " + name + " is both a variable and a secret: keep one");
        }
      }
    }
    for (Map.Entry<String, String> secret : secrets.entrySet()) {
      String name = secret.getKey();
      String reference = secret.getValue();
      if (!PARAMETER_NAME.matcher(name).matches()) {
        problems.add(where + ": field 'secrets." + name + "': names are letters, digits, '_', '.', '-'");
      }
      if (reference == null || !(ENV_REFERENCE.matcher(reference).matches()
          || SSM_REFERENCE.matcher(reference).matches())) {
        problems.add(where + ": field 'secrets." + name + "' must be a reference, `ssm:/path/in/parameter-store` or"
            + " `env:VARIABLE_ON_THE_WORKER`; never the secret itself (config.yaml and release histories are"
            + " not secret)");
      } else if (DeployTarget.LOCAL.equals(type) && reference.startsWith("ssm:")) {
        problems.add(where + ": field 'secrets." + name + "': the local target resolves env: references only");
      }
    }
    Infrastructure infrastructure = null;
    Integer ttl = null;
    DriftPolicy drift = null;
    ApprovalPolicy destroy = null;
    if (lifecycle != null) {
      infrastructure = infrastructure(where, base, type, lifecycle.infrastructure(), problems);
      SpecChecks.checkRange(where, "lifecycle.ttlHours", lifecycle.ttlHours(), 1, 24 * 90, problems);
      ttl = lifecycle.ttlHours();
      if (lifecycle.drift() != null) {
        var spec = lifecycle.drift();
        SpecChecks.checkRange(where, "lifecycle.drift.intervalMinutes", spec.intervalMinutes(), 1, 7 * 24 * 60,
            problems);
        SpecChecks.checkRange(where, "lifecycle.drift.approvalTimeoutHours", spec.approvalTimeoutHours(), 1,
            24 * 14, problems);
        if (spec.remediationApprovers() != null && spec.remediationApprovers().stream()
            .anyMatch(a -> a == null || a.isBlank())) {
          problems.add(where + ": field 'lifecycle.drift.remediationApprovers' has an empty name");
        }
        drift = new DriftPolicy(spec.intervalMinutes(), spec.remediationApprovers() == null ? List.of()
            : List.copyOf(spec.remediationApprovers()), spec.approvalTimeoutHours());
      }
      if (lifecycle.destroy() != null) {
        var spec = lifecycle.destroy();
        List<String> approvers = spec.approvers() == null ? List.of() : spec.approvers();
        Set<String> unique = new HashSet<>(approvers);
        if (approvers.isEmpty() || unique.size() != approvers.size() || unique.stream().anyMatch(a -> a == null
            || a.isBlank())) {
          problems.add(where + ": field 'lifecycle.destroy.approvers' must name who may approve destroying the"
              + " environment, each once, e.g. `approvers: [alice, bob]`");
        }
        int min = spec.minApprovals() == null ? 1 : spec.minApprovals();
        if (min < 1 || min > Math.max(1, approvers.size())) {
          problems.add(where + ": field 'lifecycle.destroy.minApprovals' is " + min + "; allowed 1.."
              + approvers.size());
        }
        SpecChecks.checkRange(where, "lifecycle.destroy.timeoutHours", spec.timeoutHours(), 1, 24 * 14,
            problems);
        destroy = new ApprovalPolicy(true, List.copyOf(approvers), min, spec.timeoutHours());
      }
    }
    return new EnvironmentConfig(apply, secrets.isEmpty() ? null : Map.copyOf(secrets), infrastructure, ttl, drift,
        destroy);
  }

  private static Infrastructure infrastructure(String where, Path base, String type,
      EnvironmentConfigFile.InfrastructureSpec spec, List<String> problems) {
    if (spec == null) {
      return null;
    }
    if (DeployTarget.LOCAL.equals(type)) {
      problems.add(where + ": field 'lifecycle.infrastructure' is for AWS targets; `gantry env create` makes the"
          + " local target's folders without a template: remove it");
      return null;
    }
    if (spec.template() == null || spec.template().isBlank()) {
      problems.add(where + ": field 'lifecycle.infrastructure.template' is missing: a CloudFormation template"
          + " (YAML or JSON), relative to the release spec");
      return null;
    }
    Path template = base.resolve(spec.template()).normalize();
    try {
      if (!Files.isRegularFile(template)) {
        problems.add(where + ": field 'lifecycle.infrastructure.template': " + template + " does not exist");
        return null;
      }
      String body = Files.readString(template);
      if (body.isBlank() || body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_TEMPLATE_BYTES) {
        problems.add(where + ": field 'lifecycle.infrastructure.template': " + template + " is empty or larger than"
            + " CloudFormation's " + MAX_TEMPLATE_BYTES + " bytes for an inline template");
        return null;
      }
      if (!body.contains("Resources")) {
        problems.add(where + ": field 'lifecycle.infrastructure.template': " + template + " has no Resources"
            + " section: is it a CloudFormation template?");
        return null;
      }
      return new Infrastructure(spec.template(), body, spec.parameters() == null ? Map.of()
          : Map.copyOf(spec.parameters()));
    } catch (IOException e) {
      problems.add(where + ": cannot read " + template + ": " + e.getMessage());
      return null;
    }
  }
}
