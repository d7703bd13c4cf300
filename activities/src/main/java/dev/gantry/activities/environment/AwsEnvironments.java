package dev.gantry.activities.environment;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.activities.aws.AwsClients;
import dev.gantry.activities.aws.AwsErrors;
import dev.gantry.activities.aws.AwsTargets;
import dev.gantry.activities.deploy.Heartbeats;
import dev.gantry.workflows.api.aws.AwsTarget;
import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.environment.ArchiveRequest;
import dev.gantry.workflows.api.environment.ConfigActual;
import dev.gantry.workflows.api.environment.ConfigApplied;
import dev.gantry.workflows.api.environment.ConfigRequest;
import dev.gantry.workflows.api.environment.ParameterActual;
import dev.gantry.workflows.api.environment.RecordedDeployment;
import dev.gantry.workflows.api.environment.RegionActual;
import dev.gantry.workflows.api.environment.RegionsActual;
import dev.gantry.workflows.api.environment.RegionsRequest;
import dev.gantry.workflows.api.environment.Registration;
import dev.gantry.workflows.api.environment.StackRequest;
import dev.gantry.workflows.api.environment.StackStatus;
import dev.gantry.workflows.api.temporal.Failures;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.Tag;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * The environment store of AWS targets: SSM Parameter Store in every region of the environment
 * ({@code /gantry/<app>/<env>/vars/<NAME>} String, {@code /gantry/<app>/<env>/secrets/<NAME>} SecureString,
 * {@code /gantry/<app>/<env>/registry} in the primary region), CloudFormation stacks
 * {@code gantry-<app>-<env>} per region, and what the regions run read from Lambda itself (the alias's
 * version, whose description is the release's version, and its CodeSha256: the digest of the live bytes).
 */
public class AwsEnvironments implements EnvironmentAdapter {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long POLL_MILLIS = 1_000;
  private final AwsClients clients;
  private final SecretReferences secrets;

  public AwsEnvironments(AwsClients clients, SecretReferences secrets) {
    this.clients = clients;
    this.secrets = secrets;
  }

  @Override
  public List<String> types() {
    return List.of(DeployTarget.LAMBDA, DeployTarget.ECS);
  }

  static String base(String application, String environment) {
    return "/gantry/" + application + "/" + environment;
  }

  @Override
  public ConfigApplied applyConfig(ConfigRequest request) {
    List<String> changed = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    String base = base(request.application(), request.environment());
    for (String region : request.regions()) {
      AwsTargets.requireRegion(region);
      SsmClient ssm = clients.ssm(region);
      Map<String, String> vars = byPath(ssm, region, base + "/vars/", false);
      Map<String, String> secretValues = byPath(ssm, region, base + "/secrets/", true);
      for (Map.Entry<String, String> variable : request.variables().entrySet()) {
        if (!variable.getValue().equals(vars.remove(variable.getKey()))) {
          put(ssm, region, base + "/vars/" + variable.getKey(), variable.getValue(), ParameterType.STRING);
          changed.add(region + ":" + variable.getKey());
        }
      }
      for (Map.Entry<String, String> secret : request.secrets().entrySet()) {
        String value = secrets.resolve(secret.getKey(), secret.getValue(), region);
        if (!value.equals(secretValues.remove(secret.getKey()))) {
          put(ssm, region, base + "/secrets/" + secret.getKey(), value, ParameterType.SECURE_STRING);
          changed.add(region + ":" + secret.getKey());
        }
      }
      List<String> stale = new ArrayList<>();
      vars.keySet().forEach(name -> stale.add(base + "/vars/" + name));
      secretValues.keySet().forEach(name -> stale.add(base + "/secrets/" + name));
      for (int from = 0; from < stale.size(); from += 10) {
        List<String> batch = stale.subList(from, Math.min(stale.size(), from + 10));
        AwsErrors.call("delete parameters in " + region, () -> ssm.deleteParameters(b -> b.names(batch)));
      }
      stale.forEach(name -> removed.add(region + ":" + name.substring(name.lastIndexOf('/') + 1)));
    }
    return new ConfigApplied(changed, removed, "ssm:" + base + "/ in " + String.join(", ", request.regions()));
  }

  @Override
  public ConfigActual readConfig(ConfigRequest request) {
    List<ParameterActual> parameters = new ArrayList<>();
    String base = base(request.application(), request.environment());
    for (String region : request.regions()) {
      AwsTargets.requireRegion(region);
      SsmClient ssm = clients.ssm(region);
      byPath(ssm, region, base + "/vars/", false)
          .forEach((name, value) -> parameters.add(new ParameterActual(region, name, false, value)));
      byPath(ssm, region, base + "/secrets/", true).forEach((name, value) -> {
        String reference = request.secrets().get(name);
        boolean matches = reference != null && value.equals(secrets.resolve(name, reference, region));
        parameters.add(new ParameterActual(region, name, true,
            matches ? ParameterActual.SECRET_MATCHES : ParameterActual.SECRET_DIFFERS));
      });
      Heartbeats.progress("read " + region);
    }
    return new ConfigActual(parameters);
  }

  /** Name (after the prefix) -> value of every parameter under the prefix, decrypted if asked. */
  private static Map<String, String> byPath(SsmClient ssm, String region, String prefix, boolean decrypt) {
    Map<String, String> values = new LinkedHashMap<>();
    AwsErrors.call("read parameters under " + prefix + " in " + region, () -> {
      ssm.getParametersByPathPaginator(b -> b.path(prefix).recursive(true).withDecryption(decrypt))
          .stream().flatMap(page -> page.parameters().stream())
          .forEach(p -> values.put(p.name().substring(prefix.length()), p.value()));
      return null;
    });
    return values;
  }

  private static void put(SsmClient ssm, String region, String name, String value, ParameterType type) {
    // Never the value in the message: it may be a secret.
    AwsErrors.call("write parameter " + name + " in " + region, () ->
        ssm.putParameter(b -> b.name(name).value(value).type(type).overwrite(true)));
  }

  @Override
  public RegionsActual readRegions(RegionsRequest request) {
    AwsTarget aws = requireAws(request.target(), request.environment());
    if (!DeployTarget.LAMBDA.equals(request.target().type()) || aws.lambda() == null) {
      throw ApplicationFailure.newNonRetryableFailure("reading what each region runs is implemented for the"
          + " lambda and local targets; " + request.target().type() + " is not yet", Failures.UNSUPPORTED_TARGET);
    }
    String function = aws.lambda().functionName();
    String alias = aws.lambda().alias();
    List<RegionActual> regions = new ArrayList<>();
    for (String region : request.regions()) {
      AwsTargets.requireRegion(region);
      var lambda = clients.lambda(region);
      String version;
      try {
        version = lambda.getAlias(b -> b.functionName(function).name(alias)).functionVersion();
      } catch (AwsServiceException e) {
        if (AwsErrors.isMissing(e)) {
          regions.add(new RegionActual(region, null, null, "no alias " + alias + " of " + function + " in " + region));
          continue;
        }
        throw AwsErrors.translate("read alias " + alias + " of " + function + " in " + region, e);
      }
      var config = AwsErrors.call("read version " + version + " of " + function + " in " + region, () ->
          lambda.getFunctionConfiguration(b -> b.functionName(function).qualifier(version)));
      regions.add(new RegionActual(region, config.description(), digestOf(config.codeSha256()),
          function + ":" + alias + " -> version " + version + " in " + region));
    }
    return new RegionsActual(regions);
  }

  /** Lambda's CodeSha256 is base64 of the package's SHA-256: the same bytes as {@code sha256:<hex>}. */
  static String digestOf(String codeSha256) {
    if (codeSha256 == null) {
      return null;
    }
    try {
      return "sha256:" + HexFormat.of().formatHex(Base64.getDecoder().decode(codeSha256));
    } catch (IllegalArgumentException notBase64) {
      return null;
    }
  }

  @Override
  public RecordedDeployment readRecordedDeployment(RegionsRequest request) {
    AwsTarget aws = requireAws(request.target(), request.environment());
    String key = request.application() + "/" + request.environment() + "/deployed.json";
    for (String region : request.regions()) {
      String bucket = aws.bucketFor(region);
      try {
        String body = clients.s3(region).getObjectAsBytes(b -> b.bucket(bucket).key(key))
            .asString(StandardCharsets.UTF_8);
        return JSON.readValue(body, RecordedDeployment.class);
      } catch (AwsServiceException e) {
        if (!AwsErrors.isMissing(e) && e.statusCode() != 404) {
          throw AwsErrors.translate("read s3://" + bucket + "/" + key, e);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("s3://" + bucket + "/" + key + " is not a deployment record", e);
      }
    }
    return new RecordedDeployment(null, null, null, null, null);
  }

  @Override
  public StackStatus createStack(StackRequest request) {
    if (request.infrastructure() == null) {
      return new StackStatus(request.region(), null, null, "NO_STACK");
    }
    AwsTargets.requireRegion(request.region());
    CloudFormationClient cfn = clients.cloudFormation(request.region());
    Stack existing = describe(cfn, request.stackName(), request.region());
    if (existing != null) {
      return status(request.region(), existing);
    }
    List<Parameter> parameters = new ArrayList<>();
    if (request.infrastructure().parameters() != null) {
      request.infrastructure().parameters().forEach((k, v) ->
          parameters.add(Parameter.builder().parameterKey(k).parameterValue(v).build()));
    }
    String id = AwsErrors.call("create stack " + request.stackName() + " in " + request.region(), () ->
        cfn.createStack(b -> b.stackName(request.stackName()).templateBody(request.infrastructure().templateBody())
            .parameters(parameters)
            .tags(Tag.builder().key("gantry:environment").value(request.environment()).build()))
            .stackId());
    return new StackStatus(request.region(), request.stackName(), id, "CREATE_IN_PROGRESS");
  }

  @Override
  public StackStatus awaitStack(StackRequest request) {
    if (request.infrastructure() == null) {
      return new StackStatus(request.region(), null, null, "NO_STACK");
    }
    CloudFormationClient cfn = clients.cloudFormation(request.region());
    while (true) {
      Stack stack = describe(cfn, request.stackName(), request.region());
      if (stack == null) {
        throw ApplicationFailure.newNonRetryableFailure("stack " + request.stackName() + " in " + request.region()
            + " disappeared while it was being created", Failures.REGION_FAILED);
      }
      String status = stack.stackStatusAsString();
      if ("CREATE_COMPLETE".equals(status) || "UPDATE_COMPLETE".equals(status)) {
        return status(request.region(), stack);
      }
      if (status.endsWith("FAILED") || status.contains("ROLLBACK")) {
        throw ApplicationFailure.newNonRetryableFailure("stack " + request.stackName() + " in " + request.region()
            + " is " + status + ": " + stack.stackStatusReason(), Failures.REGION_FAILED);
      }
      Heartbeats.progress(request.stackName() + " in " + request.region() + ": " + status);
      sleep();
    }
  }

  @Override
  public StackStatus deleteStack(StackRequest request) {
    if (request.infrastructure() == null) {
      return new StackStatus(request.region(), null, null, "NO_STACK");
    }
    CloudFormationClient cfn = clients.cloudFormation(request.region());
    Stack stack = describe(cfn, request.stackName(), request.region());
    if (stack == null || "DELETE_COMPLETE".equals(stack.stackStatusAsString())) {
      return new StackStatus(request.region(), request.stackName(), stack == null ? null : stack.stackId(),
          "DELETE_COMPLETE");
    }
    AwsErrors.call("delete stack " + request.stackName() + " in " + request.region(),
        () -> cfn.deleteStack(b -> b.stackName(request.stackName())));
    while (true) {
      Stack now = describe(cfn, stack.stackId(), request.region());
      String status = now == null ? "DELETE_COMPLETE" : now.stackStatusAsString();
      if ("DELETE_COMPLETE".equals(status)) {
        return new StackStatus(request.region(), request.stackName(), stack.stackId(), status);
      }
      if ("DELETE_FAILED".equals(status)) {
        throw ApplicationFailure.newNonRetryableFailure("stack " + request.stackName() + " in " + request.region()
            + " could not be deleted: " + now.stackStatusReason(), Failures.REGION_FAILED);
      }
      Heartbeats.progress(request.stackName() + " in " + request.region() + ": " + status);
      sleep();
    }
  }

  private static Stack describe(CloudFormationClient cfn, String name, String region) {
    try {
      List<Stack> stacks = cfn.describeStacks(b -> b.stackName(name)).stacks();
      return stacks.isEmpty() ? null : stacks.get(0);
    } catch (AwsServiceException e) {
      String message = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
      if (message != null && message.contains("does not exist")) {
        return null;
      }
      throw AwsErrors.translate("describe stack " + name + " in " + region, e);
    }
  }

  private static StackStatus status(String region, Stack stack) {
    return new StackStatus(region, stack.stackName(), stack.stackId(), stack.stackStatusAsString());
  }

  @Override
  public String register(Registration registration) {
    String name = base(registration.application(), registration.environment()) + "/registry";
    String region = registration.primaryRegion();
    try {
      String body = JSON.writeValueAsString(registration);
      put(clients.ssm(region), region, name, body, ParameterType.STRING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return "ssm:" + name + " in " + region;
  }

  @Override
  public Registration readRegistration(RegionsRequest request) {
    String name = base(request.application(), request.environment()) + "/registry";
    String region = request.regions().get(0);
    try {
      String body = clients.ssm(region).getParameter(b -> b.name(name)).parameter().value();
      return JSON.readValue(body, Registration.class);
    } catch (AwsServiceException e) {
      if (e.awsErrorDetails() != null && "ParameterNotFound".equals(e.awsErrorDetails().errorCode())) {
        return null;
      }
      throw AwsErrors.translate("read " + name + " in " + region, e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Keeps the registration in the archive, then deletes every parameter under /gantry/<app>/<env>/. */
  @Override
  public void retire(ArchiveRequest request, Path archive) {
    AwsTarget aws = requireAws(request.target(), request.environment());
    String base = base(request.application(), request.environment());
    Registration registration = readRegistration(new RegionsRequest(request.application(), request.environment(),
        request.target(), List.of(request.primaryRegion())));
    try {
      if (registration != null) {
        Files.write(archive.resolve("environment.json"), JSON.writeValueAsBytes(registration));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (String region : aws.regions() == null ? List.of(request.primaryRegion()) : aws.regions().keySet()) {
      SsmClient ssm = clients.ssm(region);
      List<String> names = new ArrayList<>();
      byPath(ssm, region, base + "/", false).keySet().forEach(name -> names.add(base + "/" + name));
      for (int from = 0; from < names.size(); from += 10) {
        List<String> batch = names.subList(from, Math.min(names.size(), from + 10));
        AwsErrors.call("delete parameters in " + region, () -> ssm.deleteParameters(b -> b.names(batch)));
      }
    }
  }

  private static AwsTarget requireAws(DeployTarget target, String environment) {
    if (target == null || target.aws() == null) {
      throw AwsErrors.invalid("target.aws is missing for " + environment);
    }
    return target.aws();
  }

  private static void sleep() {
    try {
      Thread.sleep(POLL_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a stack", e);
    }
  }
}
