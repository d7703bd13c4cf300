package dev.gantry.activities.aws;

import dev.gantry.workflows.api.aws.AwsTarget;
import dev.gantry.workflows.api.deploy.DeployTarget;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.regions.Region;

/** Checks at the start of every AWS activity: a target the loader would have refused fails clearly here too. */
public final class AwsTargets {
  private static final Set<String> KNOWN_REGIONS =
      Region.regions().stream().map(Region::id).collect(Collectors.toUnmodifiableSet());

  private AwsTargets() {}

  public static AwsTarget require(DeployTarget target, String environment, String region) {
    if (target == null || target.aws() == null) {
      throw AwsErrors.invalid("target.aws is missing for the " + (target == null ? "?" : target.type())
          + " target of " + environment + ": add the aws section to its config.yaml");
    }
    requireRegion(region);
    return target.aws();
  }

  public static void requireRegion(String region) {
    if (region == null || !KNOWN_REGIONS.contains(region) || Region.of(region).isGlobalRegion()) {
      throw AwsErrors.invalid("region '" + region + "' is not an AWS region (e.g. us-east-1, eu-west-1):"
          + " fix the regions list of the environment's config.yaml");
    }
  }

  /** The account in an ARN ({@code arn:aws:lambda:eu-west-1:123456789012:function:f}), or null. */
  public static String accountOf(String arn) {
    String[] parts = arn == null ? new String[0] : arn.split(":");
    return parts.length > 4 ? parts[4] : null;
  }

  /** Refuses to touch a resource in another account than the config names (a wrong profile, a wrong role). */
  public static void requireAccount(AwsTarget aws, String arn, String what) {
    String actual = accountOf(arn);
    if (aws.account() != null && actual != null && !aws.account().equals(actual)) {
      throw AwsErrors.invalid(what + " is in account " + actual + ", but target.aws.account is "
          + aws.account() + ": the worker's credentials point at the wrong account");
    }
  }
}
