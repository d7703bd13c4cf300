package dev.gantry.starter.spec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.ReleaseRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * For the tests of environment configs: a release written as one folder (release.yaml with the gates' files
 * next to it, the way specs were written before policy moved to the worker) becomes a policy directory in
 * that folder plus a short request, and the plan is what the worker's resolver makes of them. A spec that
 * names its {@code policy:} folder is used as it is. The generated policy allows artifacts and targets
 * anywhere ({@code /}): confinement has tests of its own (PlanResolverTest).
 */
final class PlanningLoader {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private final ReleaseSpecLoader loader = new ReleaseSpecLoader();

  ReleaseRequest load(Path spec) {
    return load(spec, ReleaseSpecLoader.Overrides.none());
  }

  ReleaseRequest load(Path spec, ReleaseSpecLoader.Overrides overrides) {
    Path policyDir = policyFor(spec);
    List<String> problems = new ArrayList<>();
    ReleaseRequest request = null;
    Policy policy = null;
    try {
      request = loader.load(spec, overrides);
    } catch (SpecException e) {
      problems.addAll(e.problems());
    }
    try {
      policy = policyDir == null ? null : new PolicyDirectory().load(policyDir);
    } catch (SpecException e) {
      problems.addAll(e.problems());
    }
    if (!problems.isEmpty()) {
      throw new SpecException(problems);
    }
    return resolve(policy, request);
  }

  EnvironmentPlan loadEnvironment(Path spec, String environment) {
    policyFor(spec);
    return loader.loadEnvironment(spec, environment);
  }

  ReleaseRequest loadPromotion(Path spec, String application, String version, String from, String to,
      ReleaseSpecLoader.Overrides overrides) {
    Path policyDir = policyFor(spec);
    ReleaseRequest request = loader.loadPromotion(spec, application, version, from, to, overrides);
    return resolve(new PolicyDirectory().load(policyDir), request);
  }

  private static ReleaseRequest resolve(Policy policy, ReleaseRequest request) {
    try {
      return new PlanResolver().resolve(policy, request);
    } catch (PolicyRefusal refusal) {
      throw new SpecException(refusal.reasons());
    }
  }

  /** The policy folder of a spec: the one it names, or one written next to it from its old fields. */
  @SuppressWarnings("unchecked")
  static Path policyFor(Path spec) {
    try {
      Path dir = spec.toAbsolutePath().getParent();
      Map<String, Object> file;
      try {
        file = YAML.readValue(spec.toFile(), LinkedHashMap.class);
      } catch (IOException broken) {
        return null; // the loader reports it
      }
      if (file == null) {
        return null;
      }
      if (file.get("policy") instanceof String named) {
        return dir.resolve(named).normalize();
      }
      Map<String, Object> application = new LinkedHashMap<>();
      application.put("promotion", file.remove("promotion"));
      Object environments = file.remove("environmentsDir");
      if (environments != null) {
        application.put("environments", environments);
      }
      Map<String, Object> policy = new LinkedHashMap<>();
      List<String> anyRepository = "abcdefghijklmnopqrstuvwxyz0123456789".chars().mapToObj(c -> String.valueOf((char) c))
          .toList();
      policy.put("roots", Map.of("artifacts", List.of("/"), "targets", List.of("/"), "images", anyRepository));
      Object approvers = file.remove("approversDirectory");
      if (approvers != null) {
        policy.put("approvers", approvers);
      }
      Object signing = file.remove("signing");
      if (signing != null) {
        policy.put("signing", signing);
      }
      Object name = file.get("application");
      policy.put("applications", Map.of(name instanceof String s && dev.gantry.workflows.api.input.Names.isName(s) ? s
          : "unnamed", application));
      Files.writeString(dir.resolve(PolicyDirectory.POLICY_FILE), YAML.writeValueAsString(policy));
      file.put("policy", ".");
      Files.writeString(spec, YAML.writeValueAsString(file));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
