package dev.gantry.worker;

import io.grpc.health.v1.HealthCheckResponse;
import io.temporal.serviceclient.WorkflowServiceStubs;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/** {@code /actuator/health} includes whether the Temporal frontend answers: a worker without it is idle. */
@Component("temporal")
class TemporalHealthIndicator implements HealthIndicator {
  private final WorkflowServiceStubs service;

  TemporalHealthIndicator(WorkflowServiceStubs service) {
    this.service = service;
  }

  @Override
  public Health health() {
    try {
      HealthCheckResponse response = service.healthCheck();
      Health.Builder health = response.getStatus() == HealthCheckResponse.ServingStatus.SERVING
          ? Health.up() : Health.down();
      return health.withDetail("target", String.valueOf(service.getOptions().getTarget()))
          .withDetail("status", response.getStatus().name()).build();
    } catch (RuntimeException e) {
      return Health.down(e).withDetail("target", String.valueOf(service.getOptions().getTarget())).build();
    }
  }
}
