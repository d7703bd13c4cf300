package dev.gantry.activities.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.activities.deploy.DeployedRecord;
import dev.gantry.activities.deploy.TargetAdapter;
import dev.gantry.activities.deploy.TrafficAdapter;
import dev.gantry.workflows.api.rollout.WeightRequest;
import dev.gantry.workflows.api.rollout.WeightResult;
import software.amazon.awssdk.services.lambda.model.GetAliasResponse;
import software.amazon.awssdk.services.lambda.model.AliasRoutingConfiguration;
import dev.gantry.activities.local.Digests;
import dev.gantry.workflows.api.deploy.DeployRequest;
import dev.gantry.workflows.api.deploy.DeployResult;
import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.temporal.Failures;
import dev.gantry.workflows.api.deploy.HealthCheckRequest;
import dev.gantry.workflows.api.deploy.HealthCheckResult;
import dev.gantry.workflows.api.deploy.RecordDeploymentRequest;
import dev.gantry.workflows.api.deploy.RecordDeploymentResult;
import dev.gantry.workflows.api.deploy.RollbackRequest;
import dev.gantry.workflows.api.deploy.RollbackResult;
import dev.gantry.workflows.api.aws.AwsTarget;
import dev.gantry.workflows.api.aws.LambdaSettings;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;

/**
 * The {@code lambda} target: in each region, replicate the artifact (a deployment package) into the
 * region's bucket, verify it, update the function's code from there, publish a version whose description
 * is the release's version, and move the alias users call onto it.
 *
 * <p>What the alias pointed at before is written next to the replica
 * ({@code <app>/<version>/.gantry-deploy-<env>.json}) before the alias moves, so a rollback knows where to
 * go back to and a retried deploy returns the same answer. A retry finds the published version by its
 * description and never publishes a second one.
 */
public class LambdaTarget implements TargetAdapter, TrafficAdapter {
  private static final Logger log = LoggerFactory.getLogger(LambdaTarget.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final AwsClients clients;
  private final ArtifactReplicator replicator;
  private final RegionHealthChecks health;
  private final Clock clock;

  public LambdaTarget(AwsClients clients, ArtifactReplicator replicator, RegionHealthChecks health, Clock clock) {
    this.clients = clients;
    this.replicator = replicator;
    this.health = health;
    this.clock = clock;
  }

  /** Written before the alias moves: the release that moved it, and what it pointed at before. */
  record DeployRecord(String releaseId, String version, String lambdaVersion, String previousLambdaVersion,
      String previousLabel) {}

  @Override
  public String type() {
    return DeployTarget.LAMBDA;
  }

  @Override
  public DeployResult deploy(DeployRequest request) {
    return install(request, false);
  }

  /**
   * The dark launch: publish the version (and write the deploy record) but leave the alias where it is,
   * so no user reaches it. On a first deploy (no alias yet) there is nothing to split: the alias is created
   * on the new version, and the steps find it at 100%.
   */
  @Override
  public DeployResult deployDark(DeployRequest request) {
    return install(request, true);
  }

  /** Region health (alarms, URL) with {@code GANTRY_QUALIFIER} naming the new version for direct invokes. */
  @Override
  public HealthCheckResult smokeCheck(HealthCheckRequest request) {
    AwsTarget aws = AwsTargets.require(request.target(), request.environment(), request.region());
    LambdaFunction fn = function(aws, request.environment(), request.region());
    FunctionConfiguration ours = fn.publishedVersion(request.version())
        .orElseThrow(() -> ApplicationFailure.newNonRetryableFailure(request.version() + " is not published"
            + " in " + fn.name() + " in " + request.region(), Failures.REGION_FAILED));
    return HealthWatch.healthyFor(health, aws, request, Map.of("GANTRY_FUNCTION", fn.name(),
        "GANTRY_ALIAS", fn.alias(), "GANTRY_QUALIFIER", ours.version(), "GANTRY_DARK", "true"));
  }

  /**
   * Below 100: the alias stays on the stable version with {@code additionalVersionWeights = {new: w/100}}.
   * At 100: the alias moves to the new version and its routing config is emptied, in one call.
   */
  @Override
  public WeightResult setWeight(WeightRequest request) {
    AwsTarget aws = AwsTargets.require(request.target(), request.environment(), request.region());
    LambdaFunction fn = function(aws, request.environment(), request.region());
    String region = request.region();
    LambdaClient lambda = fn.lambda();
    String ours = fn.publishedVersion(request.version())
        .orElseThrow(() -> ApplicationFailure.newNonRetryableFailure("cannot send traffic to "
            + request.version() + " of " + fn.name() + " in " + region + ": it is not published",
            Failures.REGION_FAILED)).version();
    GetAliasResponse alias = AwsErrors.call("read alias " + fn.alias() + " of " + fn.name() + " in "
        + region, () -> lambda.getAlias(b -> b.functionName(fn.name()).name(fn.alias())));
    String stable = alias.functionVersion();
    if (ours.equals(stable)) {
      if (alias.routingConfig() != null && alias.routingConfig().hasAdditionalVersionWeights()
          && !alias.routingConfig().additionalVersionWeights().isEmpty()) {
        fn.clearRouting(ours);
      }
      return new WeightResult(100, request.version(), "alias " + fn.alias() + " -> version " + ours);
    }
    if (request.weight() >= 100) {
      AwsErrors.call("move alias " + fn.alias() + " of " + fn.name() + " in " + region + " to version "
          + ours, () -> lambda.updateAlias(b -> b.functionName(fn.name()).name(fn.alias())
              .functionVersion(ours).routingConfig(AliasRoutingConfiguration.builder()
                  .additionalVersionWeights(Map.of()).build())));
      log.info("traffic release={} region={} function={} alias={} -> version {} (100%)", request.releaseId(),
          region, fn.name(), fn.alias(), ours);
      return new WeightResult(100, request.version(), "alias " + fn.alias() + " -> version " + ours);
    }
    double share = request.weight() / 100.0;
    AwsErrors.call("route " + request.weight() + "% of alias " + fn.alias() + " of " + fn.name() + " in "
        + region + " to version " + ours, () -> lambda.updateAlias(b -> b.functionName(fn.name())
            .name(fn.alias()).functionVersion(stable).routingConfig(AliasRoutingConfiguration.builder()
                .additionalVersionWeights(request.weight() == 0 ? Map.of() : Map.of(ours, share)).build())));
    log.info("traffic release={} region={} function={} alias={} stable={} canary={} weight={}",
        request.releaseId(), region, fn.name(), fn.alias(), stable, ours, share);
    return new WeightResult(request.weight(), fn.label(stable), "alias " + fn.alias() + " -> "
        + stable + " + " + ours + " at " + share);
  }

  private DeployResult install(DeployRequest request, boolean dark) {
    AwsTarget aws = AwsTargets.require(request.target(), request.environment(), request.region());
    LambdaFunction fn = function(aws, request.environment(), request.region());
    String region = request.region();
    Path artifact = verifiedArtifact(request);
    FunctionConfiguration function = fn.configuration();
    AwsTargets.requireAccount(aws, function.functionArn(), "function " + fn.name() + " in " + region);

    String bucket = bucketOf(aws, region);
    List<ArtifactReplicator.Replica> replicas = replicator.replicate(region, bucket, request.application(),
        request.version(), artifact, request.artifact().digest());
    ArtifactReplicator.Replica code = replicas.get(0);
    String expectedSha = codeSha256Of(request.artifact().digest());
    String recordKey = recordKey(request.application(), request.version(), request.environment());

    String aliasVersion = fn.aliasVersion();
    Optional<FunctionConfiguration> published = fn.publishedVersion(request.version());
    if (published.isPresent() && !expectedSha.equals(published.get().codeSha256())) {
      // Found by its description, which anyone with lambda:PublishVersion can write: its code decides.
      throw ApplicationFailure.newNonRetryableFailure("version " + published.get().version() + " of "
          + fn.name() + " in " + region + " is described as " + request.version() + " but its code is not"
          + " the signed artifact (" + request.artifact().digest() + "): refusing to move alias " + fn.alias()
          + " onto it; find out who published it, and delete it", Failures.ARTIFACT_DIGEST_MISMATCH);
    }
    if (published.isPresent() && published.get().version().equals(aliasVersion)) {
      DeployRecord record = readRecord(region, bucket, recordKey);
      boolean ours = record != null && request.releaseId().equals(record.releaseId());
      return new DeployResult(ours ? record.previousLabel() : null, !ours, fn.aliasArn(function));
    }
    String version = published.isPresent() ? published.get().version()
        : fn.publish(code, request.version(), expectedSha);
    String previousLabel = aliasVersion == null ? null : fn.label(aliasVersion);
    writeRecord(region, bucket, recordKey, new DeployRecord(request.releaseId(), request.version(), version,
        aliasVersion, previousLabel));
    if (dark && aliasVersion != null) {
      log.info("dark launch release={} env={} region={} function={} version={} lambdaVersion={} stable={}",
          request.releaseId(), request.environment(), region, fn.name(), request.version(), version,
          previousLabel);
      return new DeployResult(previousLabel, false, fn.aliasArn(function) + " (version " + version + " at 0%)");
    }
    fn.pointAlias(aliasVersion == null, version);
    log.info("deployed release={} env={} region={} function={} version={} lambdaVersion={} previous={}",
        request.releaseId(), request.environment(), region, fn.name(), request.version(), version,
        previousLabel);
    return new DeployResult(previousLabel, false, fn.aliasArn(function) + " -> version " + version);
  }

  @Override
  public HealthCheckResult checkHealth(HealthCheckRequest request) {
    AwsTarget aws = AwsTargets.require(request.target(), request.environment(), request.region());
    LambdaFunction fn = function(aws, request.environment(), request.region());
    String aliasVersion = fn.aliasVersion();
    Optional<FunctionConfiguration> ours = fn.publishedVersion(request.version());
    if (ours.isEmpty() || !ours.get().version().equals(aliasVersion)) {
      throw ApplicationFailure.newFailure("alias " + fn.alias() + " of " + fn.name() + " in "
          + request.region() + " points at version " + aliasVersion + ", not at " + request.version(),
          Failures.UNHEALTHY);
    }
    return HealthWatch.healthyFor(health, aws, request, Map.of("GANTRY_FUNCTION", fn.name(),
        "GANTRY_ALIAS", fn.alias()));
  }

  @Override
  public RollbackResult rollback(RollbackRequest request) {
    AwsTarget aws = AwsTargets.require(request.target(), request.environment(), request.region());
    LambdaFunction fn = function(aws, request.environment(), request.region());
    String region = request.region();
    LambdaClient lambda = fn.lambda();
    fn.configuration();
    String aliasVersion = fn.aliasVersion();
    Optional<FunctionConfiguration> ours = fn.publishedVersion(request.version());
    if (ours.isPresent() && !ours.get().version().equals(aliasVersion) && aliasVersion != null) {
      GetAliasResponse alias = AwsErrors.call("read alias " + fn.alias() + " in " + region,
          () -> lambda.getAlias(b -> b.functionName(fn.name()).name(fn.alias())));
      if (alias.routingConfig() != null && alias.routingConfig().hasAdditionalVersionWeights()
          && alias.routingConfig().additionalVersionWeights().containsKey(ours.get().version())) {
        // A canary in progress: the stable version gets all the traffic back; the alias never left it.
        fn.clearRouting(aliasVersion);
        String stable = fn.label(aliasVersion);
        log.warn("canary rolled back release={} env={} region={} function={} canary={} stable={} reason={}",
            request.releaseId(), request.environment(), region, fn.name(), request.version(), stable,
            request.reason());
        return new RollbackResult(true, stable);
      }
    }
    if (ours.isEmpty() || !ours.get().version().equals(aliasVersion)) {
      // Never deployed here, or already undone, or someone moved on: not ours to change.
      return new RollbackResult(false, aliasVersion == null ? null : fn.label(aliasVersion));
    }
    String bucket = bucketOf(aws, region);
    DeployRecord record = readRecord(region, bucket,
        recordKey(request.application(), request.version(), request.environment()));
    if (record == null) {
      throw AwsErrors.missing("cannot roll back " + fn.name() + " in " + region + ": no deploy record"
          + " at s3://" + bucket + "/" + recordKey(request.application(), request.version(),
              request.environment()) + " says what alias " + fn.alias() + " pointed at before " + request.version()
          + "; move the alias by hand");
    }
    if (record.previousLambdaVersion() == null) {
      // The alias did not exist before this version: remove it, as it was.
      AwsErrors.call("delete alias " + fn.alias() + " of " + fn.name() + " in " + region,
          () -> lambda.deleteAlias(b -> b.functionName(fn.name()).name(fn.alias())));
    } else {
      AwsErrors.call("move alias " + fn.alias() + " back in " + region, () -> lambda.updateAlias(b -> b
          .functionName(fn.name()).name(fn.alias()).functionVersion(record.previousLambdaVersion())));
    }
    log.warn("rolled back release={} env={} region={} function={} from={} to={} reason={}",
        request.releaseId(), request.environment(), region, fn.name(), request.version(),
        record.previousLabel(), request.reason());
    return new RollbackResult(true, record.previousLabel());
  }

  @Override
  public RecordDeploymentResult recordDeployment(RecordDeploymentRequest request) {
    Map<String, Object> body = DeployedRecord.of(request, clock);
    String key = request.application() + "/" + request.environment() + "/deployed.json";
    String first = null;
    for (String region : request.regions()) {
      AwsTarget aws = AwsTargets.require(request.target(), request.environment(), region);
      String bucket = bucketOf(aws, region);
      replicator.writeText(region, bucket, key, json(body));
      first = first == null ? "s3://" + bucket + "/" + key : first;
    }
    return new RecordDeploymentResult(first);
  }

  static String recordKey(String application, String version, String environment) {
    return application + "/" + version + "/.gantry-deploy-" + environment + ".json";
  }

  /** The policy's function in the region, refused unless the policy names it and its alias. */
  private LambdaFunction function(AwsTarget aws, String environment, String region) {
    LambdaSettings settings = aws.lambda();
    if (settings == null || settings.functionName() == null || settings.alias() == null) {
      throw AwsErrors.invalid("target.aws.lambda needs functionName and alias for " + environment);
    }
    return new LambdaFunction(clients.lambda(region), settings, region);
  }

  static String bucketOf(AwsTarget aws, String region) {
    String bucket = aws.bucketFor(region);
    if (bucket == null || bucket.isBlank()) {
      throw AwsErrors.invalid("no artifact bucket for " + region + ": set target.aws.artifactBucket (e.g."
          + " gantry-artifacts-{region})");
    }
    return bucket;
  }

  private static Path verifiedArtifact(DeployRequest request) {
    if (!request.artifact().isFile()) {
      throw ApplicationFailure.newNonRetryableFailure("the lambda target deploys a deployment package"
          + " (a file); artifact '" + request.artifact().location() + "' is of kind '"
          + request.artifact().kind() + "'", Failures.UNSUPPORTED_TARGET);
    }
    Path source = Path.of(request.artifact().location());
    if (!Files.isRegularFile(source)) {
      throw ApplicationFailure.newNonRetryableFailure("artifact " + source + " does not exist on this worker",
          Failures.ARTIFACT_DIGEST_MISMATCH);
    }
    if (!Digests.sha256(source).equals(request.artifact().digest())) {
      // The expected digest only: the actual one would reveal the digest of any file the worker can read.
      throw ApplicationFailure.newNonRetryableFailure("artifact " + source + " does not have the digest the"
          + " release was started with (" + request.artifact().digest() + "): refusing to replicate it",
          Failures.ARTIFACT_DIGEST_MISMATCH);
    }
    return source;
  }

  /** Lambda's CodeSha256: base64 of the SHA-256 of the deployment package, from {@code sha256:<hex>}. */
  static String codeSha256Of(String digest) {
    return java.util.Base64.getEncoder().encodeToString(
        java.util.HexFormat.of().parseHex(digest.substring("sha256:".length())));
  }

  private DeployRecord readRecord(String region, String bucket, String key) {
    String text = replicator.readText(region, bucket, key);
    try {
      return text == null ? null : JSON.readValue(text, DeployRecord.class);
    } catch (JsonProcessingException e) {
      throw AwsErrors.invalid("s3://" + bucket + "/" + key + " is not a Gantry deploy record: " + e.getMessage());
    }
  }

  private void writeRecord(String region, String bucket, String key, DeployRecord record) {
    replicator.writeText(region, bucket, key, json(record));
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure("interrupted", "Interrupted");
    }
  }
}
