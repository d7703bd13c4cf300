package dev.gantry.workflows.environment;

import dev.gantry.workflows.api.aws.Route53Settings;
import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.environment.ConfigActual;
import dev.gantry.workflows.api.environment.DriftItem;
import dev.gantry.workflows.api.environment.ParameterActual;
import dev.gantry.workflows.api.environment.RecordedDeployment;
import dev.gantry.workflows.api.environment.RegionActual;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.traffic.TrafficWeights;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Declared state against actual state, as plain data (no I/O, deterministic): the versions the last
 * recorded deployment put in each region, the environment's parameters, the traffic weights its config
 * declares.
 */
public final class DriftComparison {
  private DriftComparison() {}

  /** The regions whose state is declared: those of the last recorded deployment, then those of the config. */
  public static List<String> declaredRegions(EnvironmentPlan plan, RecordedDeployment recorded) {
    Set<String> regions = new LinkedHashSet<>();
    if (recorded != null && recorded.regions() != null) {
      regions.addAll(recorded.regions());
    }
    regions.addAll(plan.regions());
    return List.copyOf(regions);
  }

  /** Config stores per region on AWS (SSM is regional), one per environment for {@code local}. */
  public static List<String> storeLocations(EnvironmentPlan plan) {
    return DeployTarget.LOCAL.equals(plan.target().type()) ? Collections.singletonList(null) : plan.regions();
  }

  public static List<DriftItem> compare(EnvironmentPlan plan, RecordedDeployment recorded,
      List<RegionActual> regions, ConfigActual config, TrafficWeights traffic) {
    List<DriftItem> items = new ArrayList<>();
    versions(plan, recorded, regions, items);
    if (config != null) {
      parameters(plan, config, items);
    }
    if (traffic != null) {
      traffic(plan, traffic, items);
    }
    return items;
  }

  private static void versions(EnvironmentPlan plan, RecordedDeployment recorded, List<RegionActual> regions,
      List<DriftItem> items) {
    if (recorded == null || recorded.version() == null) {
      return; // nothing was ever released here: no version is declared
    }
    Map<String, RegionActual> byRegion = new LinkedHashMap<>();
    regions.forEach(region -> byRegion.put(region.region(), region));
    List<String> deployed = recorded.regions() == null ? List.of() : recorded.regions();
    String expected = recorded.version() + " (" + recorded.artifactDigest() + ")";
    for (String region : deployed) {
      RegionActual actual = byRegion.get(region);
      if (actual == null || actual.version() == null) {
        items.add(new DriftItem("region", region, region, expected,
            DriftItem.ABSENT + (actual == null || actual.detail() == null ? "" : ": " + actual.detail())));
      } else if (!recorded.version().equals(actual.version())) {
        items.add(new DriftItem("version", region, "version", expected,
            actual.version() + " (" + (actual.digest() == null ? "digest unknown" : actual.digest()) + ")"));
      } else if (actual.digest() != null && recorded.artifactDigest() != null
          && !recorded.artifactDigest().equals(actual.digest())) {
        items.add(new DriftItem("digest", region, "digest", recorded.artifactDigest(), actual.digest()));
      }
    }
    for (String region : plan.regions()) {
      if (!deployed.contains(region)) {
        items.add(new DriftItem("region", region, region, "deployed (declared in config.yaml)",
            "no recorded deployment of " + recorded.version()));
      }
    }
  }

  private static void parameters(EnvironmentPlan plan, ConfigActual config, List<DriftItem> items) {
    Map<String, String> variables = plan.variables() == null ? Map.of() : plan.variables();
    Map<String, String> secrets = plan.environmentConfig() == null ? Map.of()
        : plan.environmentConfig().secretsOrEmpty();
    Map<String, ParameterActual> actual = new LinkedHashMap<>();
    for (ParameterActual parameter : config.parameters()) {
      actual.put(key(parameter.region(), parameter.secret(), parameter.name()), parameter);
    }
    for (String location : storeLocations(plan)) {
      for (Map.Entry<String, String> variable : new java.util.TreeMap<>(variables).entrySet()) {
        ParameterActual found = actual.remove(key(location, false, variable.getKey()));
        if (found == null || found.value() == null) {
          items.add(new DriftItem("parameter", location, variable.getKey(), variable.getValue(), DriftItem.ABSENT));
        } else if (!variable.getValue().equals(found.value())) {
          items.add(new DriftItem("parameter", location, variable.getKey(), variable.getValue(), found.value()));
        }
      }
      for (Map.Entry<String, String> secret : new java.util.TreeMap<>(secrets).entrySet()) {
        ParameterActual found = actual.remove(key(location, true, secret.getKey()));
        String expected = "the value of " + secret.getValue();
        if (found == null || found.value() == null) {
          items.add(new DriftItem("secret", location, secret.getKey(), expected, DriftItem.ABSENT));
        } else if (!ParameterActual.SECRET_MATCHES.equals(found.value())) {
          items.add(new DriftItem("secret", location, secret.getKey(), expected, found.value()));
        }
      }
    }
    for (ParameterActual extra : actual.values()) {
      items.add(new DriftItem(extra.secret() ? "secret" : "parameter", extra.region(), extra.name(),
          DriftItem.ABSENT, extra.secret() ? "(a secret)" : extra.value()));
    }
  }

  private static void traffic(EnvironmentPlan plan, TrafficWeights traffic, List<DriftItem> items) {
    for (String region : plan.regions()) {
      var settings = plan.target().aws().region(region);
      int expected = settings == null ? 1 : settings.weightOrDefault();
      Integer actual = traffic.weights() == null ? null : traffic.weights().get(region);
      if (actual == null || actual != expected) {
        items.add(new DriftItem("traffic", region, "weight", String.valueOf(expected),
            actual == null ? DriftItem.ABSENT : String.valueOf(actual)));
      }
    }
  }

  /** Weighted Route 53 routing: the only traffic whose declared state is a weight per region. */
  public static boolean hasWeightedTraffic(EnvironmentPlan plan) {
    return plan.target() != null && plan.target().aws() != null && plan.target().aws().route53() != null
        && Route53Settings.WEIGHTED.equals(plan.target().aws().route53().routingOrDefault());
  }

  private static String key(String region, boolean secret, String name) {
    return region + "|" + secret + "|" + name;
  }
}
