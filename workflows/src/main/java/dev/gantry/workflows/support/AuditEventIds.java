package dev.gantry.workflows.support;

/**
 * The id of an audit event: {@code <key>/<runId>/<n>}, where the key is the workflow's business key (its
 * workflow id, or the release's id) and n counts the workflow's appends from 1. The audit trail appends
 * once per id, so a retried append or a replayed workflow never writes an event twice: the format must
 * never change.
 */
public final class AuditEventIds {
  private AuditEventIds() {}

  public static String of(String key, String runId, int sequence) {
    return key + "/" + runId + "/" + sequence;
  }
}
