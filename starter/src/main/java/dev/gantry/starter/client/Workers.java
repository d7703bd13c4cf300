package dev.gantry.starter.client;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.TaskQueueType;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.DescribeTaskQueueRequest;
import io.temporal.api.workflowservice.v1.DescribeTaskQueueResponse;
import io.temporal.client.WorkflowClient;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Whether a Gantry worker is there to answer: queries and updates need one, and without one they wait for
 * their whole deadline and end in a raw gRPC error. Asked of Temporal in one short call
 * (DescribeTaskQueue: the pollers it saw lately).
 */
public final class Workers {
  /** A live worker polls again within ~70 s (a long poll lasts up to a minute). */
  static final Duration POLLED_WITHIN = Duration.ofSeconds(90);

  private Workers() {}

  /** Throws {@link NoWorkerException} when no worker polled {@code taskQueue} lately. */
  public static void require(WorkflowClient client, String taskQueue, String what) {
    if (!polling(client, taskQueue)) {
      throw new NoWorkerException(taskQueue, what);
    }
  }

  /**
   * Whether a worker polled {@code taskQueue} (workflow tasks) within the last 90 s; true where the server
   * does not say (a permission, an old server): the call then goes ahead and its own deadline applies.
   */
  public static boolean polling(WorkflowClient client, String taskQueue) {
    DescribeTaskQueueResponse described;
    try {
      described = client.getWorkflowServiceStubs().blockingStub()
          .withDeadlineAfter(5, TimeUnit.SECONDS)
          .describeTaskQueue(DescribeTaskQueueRequest.newBuilder()
              .setNamespace(client.getOptions().getNamespace())
              .setTaskQueue(TaskQueue.newBuilder().setName(taskQueue).build())
              .setTaskQueueType(TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW)
              .build());
    } catch (StatusRuntimeException e) {
      Status.Code code = e.getStatus().getCode();
      if (code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED) {
        throw new ServerUnavailableException(client.getWorkflowServiceStubs().getOptions().getTarget(), e);
      }
      return true;
    }
    long since = System.currentTimeMillis() - POLLED_WITHIN.toMillis();
    return described.getPollersList().stream().anyMatch(poller -> !poller.hasLastAccessTime()
        || poller.getLastAccessTime().getSeconds() * 1000 >= since);
  }
}
