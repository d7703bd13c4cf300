package dev.gantry.activities.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import dev.gantry.activities.signing.KeyIds;
import dev.gantry.workflows.api.artifact.Sha256;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.text.ParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The checkpoint file, verified line by line; yields the entries for one trail. */
final class CheckpointCursor implements Closeable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final BoundedLines lines;
  private final String trail;
  private final Map<String, PublicKey> keys = new HashMap<>();
  private final Map<String, ECDSAVerifier> verifiers = new HashMap<>();
  private JWSObject pending;
  private long pendingLine;
  /** Checkpoints whose signature was checked directly. */
  long verified;
  private final TrailVerifier.Problems problems;
  private final String name;
  private long lastNumber;
  private String lastLineHash = HashChainedLog.GENESIS;
  private long highest = -1;

  /** One checkpoint's entry for the trail being verified. */
  record Entry(long number, String at, String reason, String release, AuditCheckpoints.TrailHead head,
      AuditCheckpoints.TrailHead archivedFrom) {
    String says() {
      return "checkpoint #" + number + " (" + at + ", " + reason
          + (release == null ? "" : " of " + release) + ")";
    }
  }

  CheckpointCursor(Path file, String trail, List<PublicKey> keys, TrailVerifier.Problems problems) throws IOException {
    this.lines = new BoundedLines(file, AuditCheckpoints.MAX_LINE_BYTES);
    this.trail = trail;
    keys.forEach(key -> this.keys.put(KeyIds.of(key), key));
    this.problems = problems;
    this.name = file.getFileName().toString();
  }

  /** The next verified entry for the trail, or null at the end of the checkpoint file. */
  Entry next() throws IOException {
    for (AuditCheckpoints.Checkpoint c = nextCheckpoint(); c != null; c = nextCheckpoint()) {
      for (AuditCheckpoints.TrailHead head : c.trails() == null ? List.<AuditCheckpoints.TrailHead>of()
          : c.trails()) {
        if (trail.equals(head.file())) {
          if (head.sequence() < highest) {
            problems.add(0, c.release(), null, name + ": checkpoint #" + c.number() + " says " + trail
                + " had " + head.sequence() + " line(s), fewer than an earlier checkpoint (" + highest
                + "): the trail was cut and written on");
          }
          highest = Math.max(highest, head.sequence());
          return new Entry(c.number(), c.at(), c.reason(), c.release(), head, c.archivedFrom());
        }
      }
    }
    return null;
  }

  /**
   * The next checkpoint, or null at the end. Its signature is checked when the line after it does not vouch
   * for it (a checkpoint vouches for the one before it when its {@code previous} is that line's hash and
   * {@code previousVerified} is true: the worker wrote or verified it), and always for the last line: so every
   * checkpoint is either verified by its own signature or linked by hashes to a signed one, at the cost of one
   * ECDSA verification per file instead of one per checkpoint. A checkpoint that turns out unproven is a
   * problem, so an intact report never rests on an unproven one.
   */
  AuditCheckpoints.Checkpoint nextCheckpoint() throws IOException {
    for (BoundedLines.Line line = lines.next(); line != null; line = lines.next()) {
      long n = line.number();
      if (line.tooLong()) {
        problems.add(0, null, null, name + " line " + n + ": longer than "
            + AuditCheckpoints.MAX_LINE_BYTES / 1024 + " KiB (not a checkpoint)");
        settlePending(false);
        lastLineHash = null;
        continue;
      }
      String text = line.text();
      String previousLine = lastLineHash;
      lastLineHash = Sha256.hex(text);
      JWSObject jws;
      AuditCheckpoints.Checkpoint checkpoint;
      try {
        jws = JWSObject.parse(text);
        if (!JWSAlgorithm.ES256.equals(jws.getHeader().getAlgorithm())) {
          problems.add(0, null, null, name + " line " + n + ": not signed with ES256");
          settlePending(false);
          continue;
        }
        checkpoint = JSON.readValue(jws.getPayload().toString(), AuditCheckpoints.Checkpoint.class);
      } catch (ParseException | IOException | RuntimeException e) {
        problems.add(0, null, null, name + " line " + n + ": not a signed checkpoint");
        settlePending(false);
        continue;
      }
      if (!AuditCheckpoints.TYPE.equals(checkpoint.type())) {
        problems.add(0, null, null, name + " line " + n + ": not a checkpoint (type " + checkpoint.type() + ")");
        settlePending(false);
        continue;
      }
      boolean follows = previousLine != null && previousLine.equals(checkpoint.previous());
      if (checkpoint.number() != lastNumber + 1) {
        problems.add(0, checkpoint.release(), null, name + " line " + n + ": checkpoint #" + checkpoint.number()
            + " follows #" + lastNumber + " (checkpoints removed, repeated or reordered)");
      } else if (!follows) {
        problems.add(0, checkpoint.release(), null, name + " line " + n + ": checkpoint #" + checkpoint.number()
            + " does not follow the line before it (a checkpoint was replaced)");
      }
      settlePending(follows && Boolean.TRUE.equals(checkpoint.previousVerified()));
      pending = jws;
      pendingLine = n;
      lastNumber = checkpoint.number();
      return checkpoint;
    }
    settlePending(false);
    return null;
  }

  /** The checkpoint before: vouched for by the one after it, or its own signature must verify. */
  private void settlePending(boolean vouched) {
    JWSObject jws = pending;
    pending = null;
    if (jws == null || vouched) {
      return;
    }
    verified++;
    String kid = jws.getHeader().getKeyID();
    PublicKey key = kid == null ? null : keys.get(kid);
    if (key == null) {
      problems.add(0, null, null, name + " line " + pendingLine + ": signed by key " + kid
          + ", which is not a worker audit key given to verify with (--key)");
      return;
    }
    try {
      ECDSAVerifier verifier = verifiers.get(kid);
      if (verifier == null) {
        verifier = new ECDSAVerifier((ECPublicKey) key);
        verifiers.put(kid, verifier);
      }
      if (!jws.verify(verifier)) {
        problems.add(0, null, null, name + " line " + pendingLine + ": its signature does not verify (edited or"
            + " forged checkpoint)");
      }
    } catch (JOSEException | ClassCastException | IllegalStateException e) {
      problems.add(0, null, null, name + " line " + pendingLine + ": its signature cannot be checked with the"
          + " given key");
    }
  }

  @Override
  public void close() throws IOException {
    lines.close();
  }
}
