package dev.gantry.starter.client;

/** No Gantry worker polls the task queue a query or update needs: said at once, not after a deadline. */
public class NoWorkerException extends GantryException {
  private final String taskQueue;

  public NoWorkerException(String taskQueue, String what) {
    super(what + " needs a Gantry worker, and no worker is polling task queue " + taskQueue
        + ": start one (`./gantry worker`, or `./gantry dev` for a local Temporal with a worker)");
    this.taskQueue = taskQueue;
  }

  public String taskQueue() {
    return taskQueue;
  }
}
