package dev.gantry.workflows;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaConstructorCall;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.gantry.workflows.fixtures.DeterministicWorkflowExample;
import dev.gantry.workflows.fixtures.ForbiddenInWorkflows;
import dev.gantry.workflows.fixtures.NonDeterministicWorkflowExample;
import dev.gantry.workflows.region.RegionDeploymentWorkflowImpl;
import dev.gantry.workflows.release.ReleaseWorkflowImpl;
import java.time.Clock;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Workflow code is replayed, so it must not read the clock, draw random numbers, start threads or do
 * I/O: {@code Workflow.currentTimeMillis()}, {@code Workflow.randomUUID()}, {@code Workflow.newRandom()},
 * {@code Workflow.sleep/await} and activities are the ways to do those things.
 */
class DeterminismRulesTest {

  private static final Set<String> CLOCK_READS_OF_SYSTEM =
      Set.of("currentTimeMillis", "nanoTime", "getenv", "getProperty", "getProperties");

  private static final DescribedPredicate<JavaMethodCall> READS_THE_CLOCK = DescribedPredicate.describe(
      "System.currentTimeMillis/nanoTime/getenv/getProperty or java.time.*.now",
      call -> {
        JavaClass owner = call.getTarget().getOwner();
        String name = call.getTarget().getName();
        return (owner.isEquivalentTo(System.class) && CLOCK_READS_OF_SYSTEM.contains(name))
            || (owner.getPackageName().equals("java.time") && name.equals("now"));
      });

  private static final DescribedPredicate<JavaMethodCall> DRAWS_RANDOMNESS = DescribedPredicate.describe(
      "UUID.randomUUID or Math.random",
      call -> {
        JavaClass owner = call.getTarget().getOwner();
        String name = call.getTarget().getName();
        return (owner.isEquivalentTo(java.util.UUID.class) && name.equals("randomUUID"))
            || ((owner.isEquivalentTo(Math.class) || owner.isEquivalentTo(StrictMath.class))
                && name.equals("random"));
      });

  /** Creating a generator is forbidden; a {@code Random} from {@code Workflow.newRandom()} is fine. */
  private static final DescribedPredicate<JavaConstructorCall> CREATES_A_RANDOM = DescribedPredicate.describe(
      "new java.util.Random (or a subclass)",
      call -> call.getTarget().getOwner().isAssignableTo(Random.class));

  private static final DescribedPredicate<JavaClass> FORBIDDEN_TYPES = DescribedPredicate.describe(
      "Clock, Date, Calendar, ThreadLocalRandom, Thread, ExecutorService/Executors, CompletableFuture, java.io.File*,"
          + " java.nio.file, java.net, java.net.http",
      type -> type.isAssignableTo(Clock.class)
          || type.isAssignableTo(java.util.Date.class)
          || type.isAssignableTo(java.util.Calendar.class)
          || type.isAssignableTo(ThreadLocalRandom.class)
          || type.isAssignableTo(Thread.class)
          || type.isAssignableTo(ExecutorService.class)
          || type.isEquivalentTo(Executors.class)
          || type.isAssignableTo(CompletableFuture.class)
          || (type.getPackageName().equals("java.io")
              && (type.getSimpleName().startsWith("File") || type.getSimpleName().equals("RandomAccessFile")))
          || type.getPackageName().equals("java.nio.file")
          || type.getPackageName().startsWith("java.nio.file.")
          || type.getPackageName().equals("java.net")
          || type.getPackageName().startsWith("java.net."));

  /** The one rule, checked on the main classes and proven on the fixtures below. */
  static final ArchRule WORKFLOW_CODE_IS_DETERMINISTIC = noClasses()
      .that().resideInAPackage("dev.gantry.workflows..")
      .should().callMethodWhere(READS_THE_CLOCK)
      .orShould().callMethodWhere(DRAWS_RANDOMNESS)
      .orShould().callConstructorWhere(CREATES_A_RANDOM)
      .orShould().dependOnClassesThat(FORBIDDEN_TYPES)
      .because("workflow code is replayed and must be deterministic: use Workflow.currentTimeMillis(),"
          + " Workflow.randomUUID(), Workflow.newRandom(), Workflow.sleep/await, and activities for I/O");

  @Test
  void theWorkflowsModuleIsDeterministic() {
    JavaClasses main = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.gantry.workflows");

    assertThat(main.contain(ReleaseWorkflowImpl.class)).as("the import sees the workflows").isTrue();
    assertThat(main.contain(RegionDeploymentWorkflowImpl.class)).isTrue();
    assertThat(main.contain(NonDeterministicWorkflowExample.class)).as("test fixtures are left out")
        .isFalse();

    WORKFLOW_CODE_IS_DETERMINISTIC.check(main);
  }

  @Test
  void theRuleCatchesTheClockAndRandomUuid() {
    JavaClasses bad = new ClassFileImporter().importClasses(NonDeterministicWorkflowExample.class);

    assertThatThrownBy(() -> WORKFLOW_CODE_IS_DETERMINISTIC.check(bad))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("NonDeterministicWorkflowExample")
        .hasMessageContaining("Instant.now()")
        .hasMessageContaining("UUID.randomUUID()");
  }

  @ParameterizedTest
  @ValueSource(classes = {
      ForbiddenInWorkflows.SystemCurrentTimeMillis.class,
      ForbiddenInWorkflows.SystemNanoTime.class,
      ForbiddenInWorkflows.LocalDateNow.class,
      ForbiddenInWorkflows.LocalDateTimeNow.class,
      ForbiddenInWorkflows.ZonedDateTimeNow.class,
      ForbiddenInWorkflows.OffsetDateTimeNow.class,
      ForbiddenInWorkflows.UsesClock.class,
      ForbiddenInWorkflows.MathRandom.class,
      ForbiddenInWorkflows.NewRandom.class,
      ForbiddenInWorkflows.UsesThreadLocalRandom.class,
      ForbiddenInWorkflows.ThreadSleep.class,
      ForbiddenInWorkflows.NewThread.class,
      ForbiddenInWorkflows.UsesExecutor.class,
      ForbiddenInWorkflows.UsesCompletableFuture.class,
      ForbiddenInWorkflows.UsesFile.class,
      ForbiddenInWorkflows.UsesNioFiles.class,
      ForbiddenInWorkflows.UsesNet.class,
      ForbiddenInWorkflows.UsesHttpClient.class,
      ForbiddenInWorkflows.NewDate.class,
      ForbiddenInWorkflows.UsesCalendar.class,
      ForbiddenInWorkflows.ReadsEnvironment.class})
  void everyClauseOfTheRuleBites(Class<?> offender) {
    JavaClasses bad = new ClassFileImporter().importClasses(offender);

    assertThatThrownBy(() -> WORKFLOW_CODE_IS_DETERMINISTIC.check(bad))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(offender.getSimpleName());
  }

  @Test
  void theDeterministicWayIsAccepted() {
    JavaClasses good = new ClassFileImporter().importClasses(DeterministicWorkflowExample.class);

    assertThatCode(() -> WORKFLOW_CODE_IS_DETERMINISTIC.check(good)).doesNotThrowAnyException();
  }
}
