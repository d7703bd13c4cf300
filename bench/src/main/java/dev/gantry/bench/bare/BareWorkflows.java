package dev.gantry.bench.bare;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import io.temporal.activity.ActivityOptions;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Temporal's floor for the shape of a release: a parent that runs a number of activities one after
 * another and starts children in waves (a wave's children run at once), each child running its own
 * activities one after another. No state, no gates, no audit, no search attributes: what any workflow with
 * this many activities and children costs on the same server.
 */
public final class BareWorkflows {
  private BareWorkflows() {}

  /** How many activities the parent runs, the children's waves (sizes) and each child's activities. */
  public record Shape(int parentActivities, List<Integer> waves, int childActivities) {}

  @WorkflowInterface
  public interface BareRelease {
    @WorkflowMethod(name = "BenchBareRelease")
    int run(Shape shape);
  }

  @WorkflowInterface
  public interface BareRegion {
    @WorkflowMethod(name = "BenchBareRegion")
    int deploy(int activities);
  }

  @ActivityInterface(namePrefix = "BenchBare")
  public interface Step {
    @ActivityMethod
    int step(int n);
  }

  /** Does nothing: the floor, not the work. */
  public static final class NoOpStep implements Step {
    @Override
    public int step(int n) {
      return n;
    }
  }

  private static final ActivityOptions OPTIONS =
      ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(1)).build();

  public static final class BareReleaseImpl implements BareRelease {
    private final Step step = Workflow.newActivityStub(Step.class, OPTIONS);

    @Override
    public int run(Shape shape) {
      int waves = shape.waves().size();
      // the parent's activities spread before each wave, the rest after the last one
      int perWave = shape.parentActivities() / (waves + 1);
      int done = 0;
      int n = 0;
      for (int w = 0; w < waves; w++) {
        for (int i = 0; i < perWave; i++, done++) {
          step.step(n++);
        }
        List<Promise<Integer>> children = new ArrayList<>();
        for (int c = 0; c < shape.waves().get(w); c++) {
          BareRegion child = Workflow.newChildWorkflowStub(BareRegion.class, ChildWorkflowOptions.newBuilder()
              .setWorkflowId(Workflow.getInfo().getWorkflowId() + "/w" + w + "/c" + c).build());
          children.add(Async.function(child::deploy, shape.childActivities()));
        }
        for (Promise<Integer> child : children) {
          n += child.get();
        }
      }
      for (; done < shape.parentActivities(); done++) {
        step.step(n++);
      }
      return n;
    }
  }

  public static final class BareRegionImpl implements BareRegion {
    private final Step step = Workflow.newActivityStub(Step.class, OPTIONS);

    @Override
    public int deploy(int activities) {
      for (int i = 0; i < activities; i++) {
        step.step(i);
      }
      return activities;
    }
  }
}
