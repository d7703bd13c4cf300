package dev.gantry.activities.aws;

import dev.gantry.workflows.api.aws.AwsRegionSettings;
import dev.gantry.workflows.api.aws.AwsTarget;
import dev.gantry.workflows.api.aws.Route53Settings;
import dev.gantry.workflows.api.traffic.TrafficChange;
import dev.gantry.workflows.api.traffic.TrafficWeights;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.route53.model.Change;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.InvalidChangeBatchException;
import software.amazon.awssdk.services.route53.model.InvalidInputException;
import software.amazon.awssdk.services.route53.model.ResourceRecord;
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

  /**
   * Compare-and-set of the weights. Reads the records; if {@code expected} is given and they do not hold it,
   * refuses without writing. Otherwise writes one batch that, for every record to change, DELETEs the record
   * exactly as read and CREATEs its successor: Route 53 applies a batch whole or not at all and refuses a
   * DELETE whose values (weight included) do not match, so a writer in between makes it refuse the batch
   * ({@code InvalidChangeBatch}), reported as a conflict. Reads back after writing; a read-back that is not
   * what was written (someone wrote right after) is a conflict too.
   */
  public TrafficChange compareAndSet(AwsTarget aws, Map<String, Integer> expected, Map<String, Integer> next) {
    Route53Settings route53 = route53Of(aws);
    List<ResourceRecordSet> records = records(aws);
    TrafficWeights found = weightsOf(aws, records);
    if (expected != null && !same(aws, expected, found.weights())) {
      return new TrafficChange(TrafficChange.CONFLICT, found, "Route 53 does not hold the expected weights");
    }
    Map<String, Integer> shaped = shaped(aws, route53, next);
    if (same(aws, shaped, found.weights()) && complete(aws, records, next)) {
      return new TrafficChange(TrafficChange.UNCHANGED, found, "Route 53 holds these weights already");
    }
    List<Change> changes = new ArrayList<>();
    for (ResourceRecordSet wanted : wanted(aws, route53, next)) {
      ResourceRecordSet old = records.stream()
          .filter(r -> r.type() == RRType.CNAME && wanted.setIdentifier().equals(r.setIdentifier()))
          .findFirst().orElse(null);
      if (old != null && sameRecord(old, wanted)) {
        continue;
      }
      if (old != null) {
        changes.add(Change.builder().action(ChangeAction.DELETE).resourceRecordSet(old).build());
      }
      changes.add(Change.builder().action(ChangeAction.CREATE).resourceRecordSet(wanted).build());
    }
    if (!changes.isEmpty()) {
      String refused = change(route53, changes);
      if (refused != null) {
        List<ResourceRecordSet> now = records(aws);
        if (!now.equals(records)) {
          // the records are not what was read: another writer came in between
          return new TrafficChange(TrafficChange.CONFLICT, weightsOf(aws, now), "Route 53 refused the change"
              + " batch (" + refused + ")");
        }
        // Refused although nothing changed. Route 53 does not do that; moto refuses to CREATE a record it
        // created before even when the same batch DELETEs it. Send the successors as UPSERTs, still after
        // the exact DELETEs (which keep refusing a writer in between on Route 53).
        List<Change> upserts = changes.stream().map(c -> c.action() == ChangeAction.CREATE
            ? c.toBuilder().action(ChangeAction.UPSERT).build() : c).toList();
        refused = change(route53, upserts);
        if (refused != null) {
          return new TrafficChange(TrafficChange.CONFLICT, read(aws), "Route 53 refused the change batch ("
              + refused + ")");
        }
      }
    }
    TrafficWeights after = read(aws);
    if (!same(aws, shaped, after.weights())) {
      return new TrafficChange(TrafficChange.CONFLICT, after, "read back other weights than written: another"
          + " writer came right after");
    }
    return new TrafficChange(TrafficChange.WRITTEN, after, changes.size() + " change(s): "
        + changes.stream().map(c -> c.actionAsString() + " " + c.resourceRecordSet().setIdentifier()
            + (c.resourceRecordSet().weight() == null ? "" : "=" + c.resourceRecordSet().weight())).toList());
  }

  /** Sends one change batch; returns why Route 53 refused it (its records are not as the batch says), or null. */
  private String change(Route53Settings route53, List<Change> changes) {
    try {
      clients.route53().changeResourceRecordSets(b -> b.hostedZoneId(route53.hostedZoneId())
          .changeBatch(c -> c.comment("gantry compare-and-set").changes(changes)));
      return null;
    } catch (InvalidChangeBatchException | InvalidInputException refused) {
      return oneLine(refused.awsErrorDetails() == null ? refused.getMessage()
          : refused.awsErrorDetails().errorMessage());
    } catch (AwsServiceException e) {
      throw AwsErrors.translate("change the records of " + route53.recordName() + " in zone "
          + route53.hostedZoneId(), e);
    } catch (SdkClientException e) {
      throw io.temporal.failure.ApplicationFailure.newFailure("change the records of " + route53.recordName()
          + " failed: " + e.getMessage(), "AwsUnavailable");
    }
  }

  /** Sets the weights by UPSERT, whatever the records hold (environment decommissioning, tests). */
  public void apply(AwsTarget aws, Map<String, Integer> weights) {
    Route53Settings route53 = route53Of(aws);
    List<Change> changes = wanted(aws, route53, weights).stream()
        .map(record -> Change.builder().action(ChangeAction.UPSERT).resourceRecordSet(record).build())
        .toList();
    AwsErrors.call("change the records of " + route53.recordName() + " in zone " + route53.hostedZoneId(),
        () -> clients.route53().changeResourceRecordSets(b -> b.hostedZoneId(route53.hostedZoneId())
            .changeBatch(c -> c.comment("gantry").changes(changes))));
  }

  /** The records of the environment's name, as Route 53 has them. */
  private List<ResourceRecordSet> records(AwsTarget aws) {
    Route53Settings route53 = route53Of(aws);
    String name = fqdn(route53.recordName());
    return AwsErrors.call("list the records of " + name, () ->
        clients.route53().listResourceRecordSetsPaginator(b -> b.hostedZoneId(route53.hostedZoneId())
            .startRecordName(name)).resourceRecordSets().stream()
            .filter(r -> fqdn(r.name()).equalsIgnoreCase(name))
            .toList());
  }

  /** The weights as Route 53 has them; a region without a record weighs 0. */
  public TrafficWeights read(AwsTarget aws) {
    return weightsOf(aws, records(aws));
  }

  private static TrafficWeights weightsOf(AwsTarget aws, List<ResourceRecordSet> records) {
    Route53Settings route53 = route53Of(aws);
    String name = fqdn(route53.recordName());
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

  /** The records that carry these weights: one per region (weighted), or a PRIMARY and a SECONDARY. */
  private static List<ResourceRecordSet> wanted(AwsTarget aws, Route53Settings route53, Map<String, Integer> weights) {
    List<ResourceRecordSet> records = new ArrayList<>();
    if (Route53Settings.FAILOVER.equals(route53.routingOrDefault())) {
      List<String> ranked = weights.entrySet().stream()
          .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()))
          .map(Map.Entry::getKey).toList();
      if (ranked.size() < 2) {
        throw AwsErrors.invalid("failover routing needs two regions; " + route53.recordName() + " has "
            + ranked);
      }
      records.add(record(aws, route53, ranked.get(0), PRIMARY_ID, null, ResourceRecordSetFailover.PRIMARY));
      records.add(record(aws, route53, ranked.get(1), SECONDARY_ID, null, ResourceRecordSetFailover.SECONDARY));
    } else {
      weights.forEach((region, weight) -> records.add(record(aws, route53, region, region, weight, null)));
    }
    return records;
  }

  /**
   * The weights as {@link #read} will report them once written: themselves for weighted routing; for
   * failover routing 1 for the region that becomes PRIMARY, 0 for the others.
   */
  private static Map<String, Integer> shaped(AwsTarget aws, Route53Settings route53, Map<String, Integer> next) {
    if (!Route53Settings.FAILOVER.equals(route53.routingOrDefault())) {
      return next;
    }
    String primary = wanted(aws, route53, next).stream()
        .filter(r -> r.failover() == ResourceRecordSetFailover.PRIMARY).findFirst()
        .map(r -> regionByEndpoint(aws, r.resourceRecords().get(0).value())).orElse(null);
    Map<String, Integer> shaped = new LinkedHashMap<>();
    aws.regions().keySet().forEach(region -> shaped.put(region, region.equals(primary) ? 1 : 0));
    return shaped;
  }

  /** Every wanted record exists (a region without a record reads as weight 0, like one at 0). */
  private static boolean complete(AwsTarget aws, List<ResourceRecordSet> records, Map<String, Integer> next) {
    Route53Settings route53 = route53Of(aws);
    return wanted(aws, route53, next).stream().allMatch(wanted -> records.stream()
        .anyMatch(r -> r.type() == RRType.CNAME && wanted.setIdentifier().equals(r.setIdentifier())
            && sameRecord(r, wanted)));
  }

  private static boolean same(AwsTarget aws, Map<String, Integer> a, Map<String, Integer> b) {
    return aws.regions().keySet().stream()
        .allMatch(region -> a.getOrDefault(region, 0).intValue() == b.getOrDefault(region, 0).intValue());
  }

  /** Same weight, failover role, TTL, value and health check: nothing to write. */
  private static boolean sameRecord(ResourceRecordSet have, ResourceRecordSet want) {
    java.util.function.Function<ResourceRecordSet, String> value = r ->
        r.resourceRecords().isEmpty() ? "" : fqdn(r.resourceRecords().get(0).value()).toLowerCase(java.util.Locale.ROOT);
    return java.util.Objects.equals(have.weight(), want.weight())
        && java.util.Objects.equals(have.failover(), want.failover())
        && java.util.Objects.equals(have.ttl(), want.ttl())
        && value.apply(have).equals(value.apply(want))
        && java.util.Objects.equals(blankToNull(have.healthCheckId()), blankToNull(want.healthCheckId()));
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }

  private static String oneLine(String text) {
    return dev.gantry.workflows.api.input.Names.oneLine(text, 300);
  }

  private static ResourceRecordSet record(AwsTarget aws, Route53Settings route53, String region,
      String setIdentifier, Integer weight, ResourceRecordSetFailover failover) {
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
        .resourceRecords(ResourceRecord.builder().value(settings.endpoint()).build());
    if (weight != null) {
      record.weight(weight.longValue());
    }
    if (failover != null) {
      record.failover(failover);
    }
    if (settings.healthCheckId() != null && !settings.healthCheckId().isBlank()) {
      record.healthCheckId(settings.healthCheckId());
    }
    return record.build();
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
