package dev.gantry.activities.aws;

import dev.gantry.workflows.api.aws.AwsRegionSettings;
import dev.gantry.workflows.api.aws.AwsTarget;
import dev.gantry.workflows.api.aws.Route53Settings;
import dev.gantry.workflows.api.traffic.TrafficWeights;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.route53.model.Change;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;
import software.amazon.awssdk.services.route53.model.ResourceRecordSetFailover;
import software.amazon.awssdk.services.route53.model.RRType;

/**
 * Route 53 records of an environment's DNS name. Weighted routing: one CNAME per region,
 * {@code SetIdentifier=<region>}, its weight set by UPSERT (idempotent). Failover routing: a
 * {@code PRIMARY} and a {@code SECONDARY} record (set identifiers {@code primary}, {@code secondary});
 * the region with the highest weight is primary, the next one secondary.
 */
public class TrafficRouter {
  static final String PRIMARY_ID = "primary";
  static final String SECONDARY_ID = "secondary";
  private final AwsClients clients;

  public TrafficRouter(AwsClients clients) {
    this.clients = clients;
  }

  public void apply(AwsTarget aws, Map<String, Integer> weights) {
    Route53Settings route53 = route53Of(aws);
    List<Change> changes = new ArrayList<>();
    if (Route53Settings.FAILOVER.equals(route53.routingOrDefault())) {
      List<String> ranked = weights.entrySet().stream()
          .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()))
          .map(Map.Entry::getKey).toList();
      if (ranked.size() < 2) {
        throw AwsErrors.invalid("failover routing needs two regions; " + route53.recordName() + " has "
            + ranked);
      }
      changes.add(upsert(aws, route53, ranked.get(0), PRIMARY_ID, null, ResourceRecordSetFailover.PRIMARY));
      changes.add(upsert(aws, route53, ranked.get(1), SECONDARY_ID, null, ResourceRecordSetFailover.SECONDARY));
    } else {
      weights.forEach((region, weight) -> changes.add(upsert(aws, route53, region, region, weight, null)));
    }
    AwsErrors.call("change the records of " + route53.recordName() + " in zone " + route53.hostedZoneId(),
        () -> clients.route53().changeResourceRecordSets(b -> b.hostedZoneId(route53.hostedZoneId())
            .changeBatch(c -> c.comment("gantry").changes(changes))));
  }

  /** The weights as Route 53 has them; a region without a record weighs 0. */
  public TrafficWeights read(AwsTarget aws) {
    Route53Settings route53 = route53Of(aws);
    String name = fqdn(route53.recordName());
    List<ResourceRecordSet> records = AwsErrors.call("list the records of " + name, () ->
        clients.route53().listResourceRecordSetsPaginator(b -> b.hostedZoneId(route53.hostedZoneId())
            .startRecordName(name)).resourceRecordSets().stream()
            .filter(r -> fqdn(r.name()).equalsIgnoreCase(name))
            .toList());
    Map<String, Integer> weights = new LinkedHashMap<>();
    aws.regions().keySet().forEach(region -> weights.put(region, 0));
    List<String> lines = new ArrayList<>();
    boolean failover = Route53Settings.FAILOVER.equals(route53.routingOrDefault());
    for (ResourceRecordSet record : records) {
      String value = record.resourceRecords().isEmpty() ? null : record.resourceRecords().get(0).value();
      if (failover && record.failover() != null) {
        String region = regionByEndpoint(aws, value);
        if (region != null && record.failover() == ResourceRecordSetFailover.PRIMARY) {
          weights.put(region, 1);
        }
        lines.add(record.failoverAsString() + " " + region + " (" + value + ")");
      } else if (!failover && record.setIdentifier() != null && record.weight() != null) {
        weights.put(record.setIdentifier(), record.weight().intValue());
        lines.add(record.setIdentifier() + "=" + record.weight());
      }
    }
    return new TrafficWeights(weights, route53.routingOrDefault(), name + ": " + String.join(", ", lines));
  }

  private static Change upsert(AwsTarget aws, Route53Settings route53, String region, String setIdentifier,
      Integer weight, ResourceRecordSetFailover failover) {
    AwsRegionSettings settings = aws.region(region);
    if (settings == null || settings.endpoint() == null || settings.endpoint().isBlank()) {
      throw AwsErrors.invalid("regions." + region + ".endpoint is missing: Route 53 needs the value of "
          + region + "'s record (e.g. its load balancer's DNS name)");
    }
    ResourceRecordSet.Builder record = ResourceRecordSet.builder()
        .name(route53.recordName())
        .type(RRType.CNAME)
        .setIdentifier(setIdentifier)
        .ttl(route53.ttlSecondsOrDefault())
        .resourceRecords(r -> r.value(settings.endpoint()));
    if (weight != null) {
      record.weight(weight.longValue());
    }
    if (failover != null) {
      record.failover(failover);
    }
    if (settings.healthCheckId() != null && !settings.healthCheckId().isBlank()) {
      record.healthCheckId(settings.healthCheckId());
    }
    return Change.builder().action(ChangeAction.UPSERT).resourceRecordSet(record.build()).build();
  }

  private static String regionByEndpoint(AwsTarget aws, String value) {
    return aws.regions().entrySet().stream()
        .filter(e -> e.getValue() != null && e.getValue().endpoint() != null
            && fqdn(e.getValue().endpoint()).equalsIgnoreCase(fqdn(value)))
        .map(Map.Entry::getKey).findFirst().orElse(null);
  }

  private static Route53Settings route53Of(AwsTarget aws) {
    Route53Settings route53 = aws.route53();
    if (route53 == null || route53.hostedZoneId() == null || route53.recordName() == null) {
      throw AwsErrors.invalid("target.aws.route53 (hostedZoneId, recordName) is missing: traffic cannot be"
          + " shifted without it");
    }
    return route53;
  }

  private static String fqdn(String name) {
    return name == null ? "" : name.endsWith(".") ? name : name + ".";
  }
}
