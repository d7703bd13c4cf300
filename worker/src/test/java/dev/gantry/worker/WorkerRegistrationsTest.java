package dev.gantry.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.workflows.WorkerCatalogue;
import dev.gantry.workflows.api.temporal.TaskQueues;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Bean;
import org.yaml.snakeyaml.Yaml;

/**
 * The worker (and {@code gantry demo}, which runs the same Spring configuration on the in-process server)
 * registers what {@code application.yml} lists; the benchmarks and tests register {@link WorkerCatalogue}.
 * This keeps the two one list, without starting anything: a workflow or activity added to the catalogue and
 * not to {@code application.yml} fails here, in the build, not at a release's first call of it.
 */
class WorkerRegistrationsTest {

  @Test
  void applicationYmlRegistersEveryWorkflowAndActivityOfTheCatalogue() throws Exception {
    Map<?, ?> worker = releaseWorker();

    List<String> workflows = strings(worker.get("workflow-classes"));
    assertThat(workflows).as("spring.temporal.workers[gantry-release].workflow-classes")
        .containsExactlyInAnyOrderElementsOf(
            WorkerCatalogue.WORKFLOW_IMPLEMENTATIONS.stream().map(Class::getName).toList());

    List<Class<?>> beanTypes = new ArrayList<>();
    for (String bean : strings(worker.get("activity-beans"))) {
      Optional<Method> method = Arrays.stream(WorkerConfiguration.class.getDeclaredMethods())
          .filter(m -> m.getName().equals(bean) && m.isAnnotationPresent(Bean.class)).findFirst();
      assertThat(method).as("activity bean '%s' is a @Bean of WorkerConfiguration", bean).isPresent();
      beanTypes.add(method.get().getReturnType());
    }
    for (Class<?> activities : WorkerCatalogue.ACTIVITY_INTERFACES) {
      assertThat(beanTypes).as("an activity bean implements %s", activities.getSimpleName())
          .anyMatch(activities::isAssignableFrom);
    }
  }

  private static Map<?, ?> releaseWorker() throws Exception {
    try (InputStream in = WorkerRegistrationsTest.class.getResourceAsStream("/application.yml")) {
      Map<?, ?> first = (Map<?, ?>) new Yaml().loadAll(in).iterator().next();
      Map<?, ?> temporal = (Map<?, ?>) ((Map<?, ?>) first.get("spring")).get("temporal");
      return ((List<?>) temporal.get("workers")).stream().map(w -> (Map<?, ?>) w)
          .filter(w -> TaskQueues.RELEASE.equals(w.get("task-queue"))).findFirst().orElseThrow();
    }
  }

  private static List<String> strings(Object list) {
    return ((List<?>) list).stream().map(String::valueOf).toList();
  }
}
