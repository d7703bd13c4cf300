package dev.gantry.activities.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;

/**
 * The signature audit log: one hash-chained JSON line per sign, attest, verify (pass and fail) and key
 * change, so that an auditor can say which key vouched for which bytes, when, and for whom.
 * {@code gantry audit verify <file>} checks the chain and, for the worker's log, its signed checkpoints.
 */
public final class SignatureAuditLog {
  private static final ObjectMapper JSON = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);
  private final HashChainedLog log;

  /** An operator's log (written by {@code gantry keys|artifact}): a chain no worker checkpoint anchors. */
  public SignatureAuditLog(Path file) {
    this(file, null);
  }

  /** The worker's signature log, covered by its signed checkpoints (null: none). */
  public SignatureAuditLog(Path file, AuditCheckpoints checkpoints) {
    this.log = new HashChainedLog(file);
    if (checkpoints != null) {
      checkpoints.cover(log);
    }
  }

  public Path file() {
    return log.file();
  }

  /**
   * One line of the signature audit log.
   *
   * @param eventId       stable under retry for the same attempt (workflow/run/activity/attempt), or random
   * @param action        sign, attest, verify, key-generate, key-import, key-rotate, key-revoke
   * @param outcome       pass or fail (verify), done (the others)
   * @param workflowId    the release, or null for an operator's command
   * @param actor         the release's requester, or the operator ($USER) for a command
   * @param predicateType for attest and attestation checks
   * @param detail        what did not match, or what was made
   */
  public record Entry(
      String eventId,
      String action,
      String outcome,
      String workflowId,
      String runId,
      String actor,
      String keyId,
      String artifactDigest,
      String predicateType,
      String environment,
      String region,
      String detail,
      String at) {

    public static Entry of(String action, String outcome, String actor, String keyId, String artifactDigest,
        String detail) {
      return new Entry(UUID.randomUUID().toString(), action, outcome, null, null, actor, keyId, artifactDigest,
          null, null, null, detail, Instant.now().toString());
    }
  }

  public HashChainedLog.Head append(Entry entry) {
    return log.append(JSON.valueToTree(entry), entry.workflowId(), false);
  }
}
