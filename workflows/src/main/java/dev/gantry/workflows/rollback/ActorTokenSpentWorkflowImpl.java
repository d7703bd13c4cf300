package dev.gantry.workflows.rollback;

public class ActorTokenSpentWorkflowImpl implements ActorTokenSpentWorkflow {
  @Override
  public String spent(String by) {
    return by;
  }
}
