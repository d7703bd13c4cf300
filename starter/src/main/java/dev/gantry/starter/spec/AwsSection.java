package dev.gantry.starter.spec;

import static dev.gantry.starter.spec.SpecChecks.blank;
import static dev.gantry.starter.spec.SpecChecks.quoted;

import dev.gantry.starter.spec.EnvironmentConfigFile.AwsRegionSpec;
import dev.gantry.starter.spec.EnvironmentConfigFile.AwsSpec;
import dev.gantry.workflows.api.aws.AwsRegionSettings;
import dev.gantry.workflows.api.aws.AwsTarget;
import dev.gantry.workflows.api.aws.EcsSettings;
import dev.gantry.workflows.api.aws.LambdaSettings;
import dev.gantry.workflows.api.aws.Route53Settings;
import dev.gantry.workflows.api.deploy.DeployTarget;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import software.amazon.awssdk.regions.Region;

/** The {@code target.aws} section of a {@code lambda} or {@code ecs} environment: checked, then resolved. */
final class AwsSection {
  private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
  private static final Set<String> REGIONS = Region.regions().stream()
      .filter(region -> !region.isGlobalRegion()).map(Region::id).collect(Collectors.toUnmodifiableSet());

  private AwsSection() {}

  static boolean isAwsType(String type) {
    return DeployTarget.LAMBDA.equals(type) || DeployTarget.ECS.equals(type);
  }

  /** Every region of the environment must be one AWS knows (a typo would deploy nowhere, or fail late). */
  static void checkRegionNames(String where, List<String> regions, List<String> problems) {
    for (String region : regions) {
      if (!REGIONS.contains(region)) {
        problems.add(where + ": field 'regions[].name' is '" + region + "', which is not an AWS region;"
            + " use one of: " + closest(region));
      }
    }
  }

  static AwsTarget resolve(String where, String type, AwsSpec spec, List<String> regions, List<String> problems) {
    if (spec == null) {
      problems.add(where + ": field 'target.aws' is missing: a " + type + " target needs at least"
          + " `aws: {account: \"123456789012\", artifactBucket: gantry-artifacts-{region}, " + type
          + ": {...}}`");
      return null;
    }
    int before = problems.size();
    if (spec.account() == null || !ACCOUNT.matcher(spec.account()).matches()) {
      problems.add(where + ": field 'target.aws.account' must be the 12-digit AWS account id, quoted"
          + " (got " + quoted(spec.account()) + "): Gantry refuses to deploy into any other account");
    }
    Map<String, AwsRegionSpec> perRegion = spec.regions() == null ? Map.of() : spec.regions();
    for (String named : perRegion.keySet()) {
      if (!regions.contains(named)) {
        problems.add(where + ": field 'target.aws.regions." + named + "' names a region that is not in"
            + " 'regions' (" + String.join(", ", regions) + "): add it there or remove this entry");
      }
    }
    if (DeployTarget.LAMBDA.equals(type)) {
      checkLambda(where, spec, regions, perRegion, problems);
    } else {
      checkEcs(where, spec, problems);
    }
    if (spec.route53() != null) {
      checkRoute53(where, spec, regions, perRegion, problems);
    }
    perRegion.forEach((region, settings) -> {
      if (settings == null) {
        return;
      }
      SpecChecks.checkRange(where, "target.aws.regions." + region + ".weight", settings.weight(), 0, 255,
          problems);
      if (settings.alarms() != null && settings.alarms().stream().anyMatch(a -> a == null || a.isBlank())) {
        problems.add(where + ": field 'target.aws.regions." + region + ".alarms' has an empty alarm name");
      }
    });
    SpecChecks.checkRange(where, "target.aws.healthyForSeconds", spec.healthyForSeconds(), 0, 3600,
        problems);
    if (problems.size() > before) {
      return null;
    }
    Map<String, AwsRegionSettings> resolved = new LinkedHashMap<>();
    for (String region : regions) {
      AwsRegionSpec settings = perRegion.get(region);
      resolved.put(region, settings == null ? new AwsRegionSettings(null, List.of(), null, null, null)
          : new AwsRegionSettings(settings.bucket(), settings.alarms() == null ? List.of()
              : List.copyOf(settings.alarms()), settings.healthCheckId(), settings.weight(), settings.endpoint()));
    }
    var lambda = spec.lambda();
    var ecs = spec.ecs();
    var route53 = spec.route53();
    return new AwsTarget(spec.account(), spec.artifactBucket(),
        lambda == null ? null : new LambdaSettings(lambda.functionName(), lambda.alias(), lambda.roleArn()),
        ecs == null ? null : new EcsSettings(ecs.cluster(), ecs.service(), ecs.containerName(),
            ecs.steadyStateTimeoutSeconds()),
        route53 == null ? null : new Route53Settings(route53.hostedZoneId(), route53.recordName(),
            route53.routing(), route53.ttlSeconds()),
        resolved, spec.healthyForSeconds());
  }

  private static void checkLambda(String where, AwsSpec spec, List<String> regions,
      Map<String, AwsRegionSpec> perRegion, List<String> problems) {
    var lambda = spec.lambda();
    if (lambda == null || blank(lambda.functionName()) || blank(lambda.alias())) {
      problems.add(where + ": field 'target.aws.lambda' needs functionName and alias, e.g."
          + " `lambda: {functionName: hello-service, alias: live}`");
    }
    if (spec.ecs() != null) {
      problems.add(where + ": field 'target.aws.ecs' does not belong to a lambda target: remove it");
    }
    for (String region : regions) {
      AwsRegionSpec settings = perRegion.get(region);
      String bucket = settings != null && !blank(settings.bucket()) ? settings.bucket()
          : blank(spec.artifactBucket()) ? null
          : spec.artifactBucket().replace(AwsTarget.REGION_PLACEHOLDER, region)
              .replace(AwsTarget.ACCOUNT_PLACEHOLDER, spec.account() == null ? "" : spec.account());
      if (bucket == null) {
        problems.add(where + ": field 'target.aws.artifactBucket' is missing: the bucket that receives the"
            + " artifact in each region, e.g. `artifactBucket: gantry-artifacts-{region}` (or"
            + " regions." + region + ".bucket)");
        return;
      }
      if (!BUCKET.matcher(bucket).matches()) {
        problems.add(where + ": the artifact bucket of " + region + " would be '" + bucket + "', which is not a"
            + " valid S3 bucket name (3-63 lowercase letters, digits, '.', '-'): fix target.aws.artifactBucket");
        return;
      }
    }
  }

  private static void checkEcs(String where, AwsSpec spec, List<String> problems) {
    var ecs = spec.ecs();
    if (ecs == null || blank(ecs.cluster()) || blank(ecs.service()) || blank(ecs.containerName())) {
      problems.add(where + ": field 'target.aws.ecs' needs cluster, service and containerName, e.g."
          + " `ecs: {cluster: prod, service: hello-service, containerName: app}`");
    }
    if (spec.lambda() != null) {
      problems.add(where + ": field 'target.aws.lambda' does not belong to an ecs target: remove it");
    }
    if (ecs != null) {
      SpecChecks.checkRange(where, "target.aws.ecs.steadyStateTimeoutSeconds",
          ecs.steadyStateTimeoutSeconds(), 30, 7200, problems);
    }
  }

  private static void checkRoute53(String where, AwsSpec spec, List<String> regions,
      Map<String, AwsRegionSpec> perRegion, List<String> problems) {
    var route53 = spec.route53();
    if (blank(route53.hostedZoneId()) || blank(route53.recordName())) {
      problems.add(where + ": field 'target.aws.route53' needs hostedZoneId and recordName, e.g."
          + " `route53: {hostedZoneId: Z0123456789ABC, recordName: api.example.com}`");
    }
    String routing = route53.routing() == null ? Route53Settings.WEIGHTED : route53.routing();
    if (!Route53Settings.WEIGHTED.equals(routing) && !Route53Settings.FAILOVER.equals(routing)) {
      problems.add(where + ": field 'target.aws.route53.routing' is '" + routing + "'; use weighted or failover");
    }
    if (Route53Settings.FAILOVER.equals(routing) && regions.size() < 2) {
      problems.add(where + ": field 'target.aws.route53.routing' is failover, which needs two regions");
    }
    SpecChecks.checkRange(where, "target.aws.route53.ttlSeconds", route53.ttlSeconds(), 1, 86400, problems);
    for (String region : regions) {
      AwsRegionSpec settings = perRegion.get(region);
      if (settings == null || blank(settings.endpoint())) {
        problems.add(where + ": field 'target.aws.regions." + region + ".endpoint' is missing: with route53,"
            + " every region needs the value of its record (e.g. its load balancer's DNS name)");
      }
    }
  }

  /** A short list of real regions that look like the typo, or a few examples. */
  private static String closest(String typo) {
    String prefix = typo == null || typo.length() < 2 ? "" : typo.substring(0, 2);
    List<String> near = REGIONS.stream().filter(r -> r.startsWith(prefix)).sorted().limit(8).toList();
    return String.join(", ", near.isEmpty() ? List.of("us-east-1", "us-west-2", "eu-west-1", "ap-southeast-1")
        : near);
  }
}
