package dev.gantry.worker;

import dev.gantry.workflows.WorkerCatalogue;
import dev.gantry.workflows.api.temporal.TaskQueues;
import io.temporal.spring.boot.autoconfigure.properties.TemporalProperties;
import io.temporal.spring.boot.autoconfigure.properties.WorkerProperties;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health} component {@code registrations}: DOWN while the worker on {@link TaskQueues#RELEASE}
 * lacks a workflow or an activity implementation that {@link WorkerCatalogue} lists (a tuned
 * {@code spring.temporal.workers} that forgot {@code signingActivities} would otherwise say UP and fail every
 * release at its first signature, {@code Activity Type "Signing.sign" is not registered}).
 */
@Component("registrations")
class RegistrationsHealthIndicator implements HealthIndicator {
  private final TemporalProperties properties;
  private final BeanFactory beans;

  RegistrationsHealthIndicator(TemporalProperties properties, BeanFactory beans) {
    this.properties = properties;
    this.beans = beans;
  }

  @Override
  public Health health() {
    List<Class<?>> workflows = new ArrayList<>();
    List<Object> activities = new ArrayList<>();
    List<String> unknownBeans = new ArrayList<>();
    List<WorkerProperties> workers = properties.getWorkers() == null ? List.of() : properties.getWorkers();
    for (WorkerProperties worker : workers) {
      if (!TaskQueues.RELEASE.equals(worker.getTaskQueue())) {
        continue;
      }
      if (worker.getWorkflowClasses() != null) {
        workflows.addAll(worker.getWorkflowClasses());
      }
      for (String name : worker.getActivityBeans() == null ? List.<String>of() : worker.getActivityBeans()) {
        if (beans.containsBean(name)) {
          activities.add(beans.getBean(name));
        } else {
          unknownBeans.add(name);
        }
      }
    }
    List<String> missing = WorkerCatalogue.missing(workflows, activities);
    Health.Builder health = missing.isEmpty() && unknownBeans.isEmpty() ? Health.up() : Health.down();
    health.withDetail("taskQueue", TaskQueues.RELEASE)
        .withDetail("workflows", workflows.size() + " of " + WorkerCatalogue.WORKFLOW_IMPLEMENTATIONS.size())
        .withDetail("activities", WorkerCatalogue.ACTIVITY_INTERFACES.size() - missing.stream()
            .filter(m -> m.startsWith("activities ")).count() + " of " + WorkerCatalogue.ACTIVITY_INTERFACES.size());
    if (!missing.isEmpty()) {
      health.withDetail("missing", missing);
    }
    if (!unknownBeans.isEmpty()) {
      health.withDetail("unknownBeans", unknownBeans);
    }
    return health.build();
  }
}
