package dev.gantry.workflows.failover;

import dev.gantry.workflows.api.input.MessageLimits;
import dev.gantry.workflows.api.input.Names;
import dev.gantry.workflows.api.traffic.RegionHold;
import dev.gantry.workflows.api.traffic.RegionTraffic;
import dev.gantry.workflows.api.traffic.RegionTrafficState;
import dev.gantry.workflows.api.traffic.TrafficCommand;
import dev.gantry.workflows.api.traffic.TrafficFailback;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the traffic owner knows of each region (held or not, its last health reading, since when it is healthy
 * again, an approved failback) and the rules read from it: which regions may take traffic, and which messages
 * are refused. State only, no workflow command: the owner changes it, this says what it means.
 */
final class OwnerRegions {
  final Map<String, RegionHold> holds = new LinkedHashMap<>();
  final Map<String, Boolean> healthy = new LinkedHashMap<>();
  final Map<String, String> healthDetail = new LinkedHashMap<>();
  final Set<String> unreadable = new LinkedHashSet<>();
  /** Workflow time since which a held region has been healthy without a break. */
  final Map<String, Long> recoveredSince = new LinkedHashMap<>();
  final Map<String, TrafficFailback> approvals = new LinkedHashMap<>();

  private final List<String> regions;
  private final List<String> failbackApprovers;
  private final TrafficTarget targets;

  OwnerRegions(List<String> regions, List<String> failbackApprovers, TrafficTarget targets) {
    this.regions = regions;
    this.failbackApprovers = failbackApprovers;
    this.targets = targets;
  }

  /** Regions that may take traffic: not held, and not known to be unhealthy. */
  Set<String> serving() {
    Set<String> serving = new LinkedHashSet<>();
    for (String region : regions) {
      if (!holds.containsKey(region) && !Boolean.FALSE.equals(healthy.get(region))) {
        serving.add(region);
      }
    }
    return serving;
  }

  String held() {
    List<String> parts = new ArrayList<>();
    for (String region : regions) {
      RegionHold hold = holds.get(region);
      parts.add(region + " " + (hold == null ? (Boolean.FALSE.equals(healthy.get(region)) ? "unhealthy" : "serving")
          : hold.state().name().toLowerCase(Locale.ROOT).replace('_', ' ')));
    }
    return String.join(", ", parts);
  }

  RegionTrafficState state(String region) {
    RegionHold hold = holds.get(region);
    return hold == null ? RegionTrafficState.SERVING : hold.state();
  }

  /** Every region as the owner's status shows it; {@code expected}: the weights Route 53 holds, or null. */
  List<RegionTraffic> statuses(Map<String, Integer> expected) {
    List<RegionTraffic> statuses = new ArrayList<>();
    for (String region : regions) {
      RegionHold hold = holds.get(region);
      TrafficFailback approval = approvals.get(region);
      String waitingFor = hold == null ? null
          : targets.waitingFor(region, healthy.get(region), approval == null ? null : approval.approver());
      statuses.add(new RegionTraffic(region, state(region),
          healthy.get(region), healthDetail.get(region), expected == null ? null : expected.get(region),
          hold == null ? null : hold.since(), hold == null ? null : hold.by(), hold == null ? null : hold.reason(),
          approval == null ? null : approval.approver(), waitingFor));
    }
    return List.copyOf(statuses);
  }

  String drainRefusal(TrafficCommand command) {
    if (command == null || !Names.isPerson(command.requestedBy())) {
      return "say who you are (requestedBy: letters, digits, . _ @ + -)";
    }
    if (command.region() == null || !regions.contains(command.region())) {
      return "region " + Names.shown(command.region()) + " is not one of " + regions;
    }
    if (command.reason() == null || command.reason().isBlank()) {
      return "give a reason: it goes into the audit trail";
    }
    if (command.reason().length() > MessageLimits.TEXT) {
      return "the reason is longer than " + MessageLimits.TEXT + " characters";
    }
    String token = tokenProblem("drainRegion", command.token());
    if (token != null) {
      return token;
    }
    RegionHold hold = holds.get(command.region());
    if (hold != null && hold.state() == RegionTrafficState.DRAINED) {
      return command.region() + " is already drained (since " + hold.since() + " by " + hold.by() + ": "
          + hold.reason() + ")";
    }
    Set<String> rest = serving();
    rest.remove(command.region());
    if (rest.isEmpty()) {
      return "draining " + command.region() + " would leave no region to take traffic (" + held() + "); Gantry"
          + " does not route to nothing: bring another region back first";
    }
    return null;
  }

  String failbackRefusal(TrafficFailback approval) {
    if (approval == null || !Names.isPerson(approval.approver())) {
      return "a failback approval must name its approver (letters, digits, . _ @ + -)";
    }
    if (approval.region() == null || !regions.contains(approval.region())) {
      return "region " + Names.shown(approval.region()) + " is not one of " + regions;
    }
    if (approval.comment() != null && approval.comment().length() > MessageLimits.TEXT) {
      return "the comment is longer than " + MessageLimits.TEXT + " characters";
    }
    String token = tokenProblem("approveFailback", approval.token());
    if (token != null) {
      return token;
    }
    if (!holds.containsKey(approval.region())) {
      return approval.region() + " is not failed over or drained: it takes its share of traffic";
    }
    return TrafficTarget.failbackRefusal(failbackApprovers, approval.approver(), approval.region(),
        healthy.get(approval.region()), healthDetail.get(approval.region()));
  }

  /** A token is kept with the message even where none is needed: it must have a token's shape and size. */
  static String tokenProblem(String message, String token) {
    return MessageLimits.problem(message, MessageLimits.field("token", token, MessageLimits.Shape.TOKEN));
  }
}
