package dev.gantry.workflows.release;

/** Where the parts of a release say what happened: the audit trail, and the status the world sees. */
interface Recorder {
  /** Queues an audit event (written in order by {@link ReleaseTrail}; never blocks). */
  void audit(String kind, String actor, String environment, String outcome, String detail);

  /** Search attributes and the UI's current details follow a change of stage. */
  void publish(String environment);
}
