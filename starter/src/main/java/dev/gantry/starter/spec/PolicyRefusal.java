package dev.gantry.starter.spec;

import java.util.List;

/** A release request that policy does not allow, with every reason (each names the field and the policy file). */
public class PolicyRefusal extends RuntimeException {
  private final List<String> reasons;

  public PolicyRefusal(List<String> reasons) {
    super("refused by the platform policy: " + String.join("; ", reasons));
    this.reasons = List.copyOf(reasons);
  }

  public List<String> reasons() {
    return reasons;
  }
}
