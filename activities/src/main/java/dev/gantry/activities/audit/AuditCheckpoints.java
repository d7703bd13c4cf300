package dev.gantry.activities.audit;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import dev.gantry.activities.signing.Signer;
import dev.gantry.workflows.api.artifact.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The worker's signed checkpoints of its audit trails: a file ({@value #FILE_NAME}, beside the release trail)
 * of JWS compact serializations (ES256, {@code kid} = the worker key's id, {@code typ}
 * {@value #TYPE}), one per line. Each payload is a {@link Checkpoint}: for every trail the worker writes,
 * its file (relative to the checkpoint file's folder), line count, last hash and last event id, and the
 * hash of the checkpoint line before it. A checkpoint is signed every {@code every} appends and at the end of
 * each release.
 *
 * <p>An edit re-chained with plain SHA-256 changes the hash of every later line, so it no longer matches the
 * hash a checkpoint signed; a cut tail or an emptied file has fewer lines than a checkpoint says; a removed
 * file is named by the checkpoints. Forging any of that needs the worker's private key.
 */
public final class AuditCheckpoints {
  public static final String FILE_NAME = "checkpoints.jws";
  public static final String TYPE = "gantry-audit-checkpoint+jws";
  static final int MAX_LINE_BYTES = 64 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper()
      .setSerializationInclusion(JsonInclude.Include.NON_NULL);

  /** One trail's position in a checkpoint. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record TrailHead(String file, long sequence, String hash, String eventId) {}

  /**
   * The payload of a checkpoint.
   *
   * @param number   1 for the first checkpoint of the file, then one more each
   * @param previous sha256 (hex) of the checkpoint line before this one, 64 zeros for the first
   * @param reason   {@code every-N}, {@code release-end}, {@code archive}
   * @param release  the release (workflow id) whose end or append made it, if any
   * @param trails   each trail the worker writes, where it stands
   * @param archivedFrom for an archive: where the source trail stood when it was copied
   * @param previousVerified the worker vouches for the checkpoint line before this one: it wrote it itself, or
   *                 its signature verified with the worker's key (false after a key rotation or a line it
   *                 could not verify). The verifier checks the signature of every checkpoint no verified
   *                 successor vouches for, and of the last one: a chain of vouched lines ends at a signature.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Checkpoint(String type, long number, String previous, String at, String reason, String release,
      List<TrailHead> trails, TrailHead archivedFrom, Boolean previousVerified) {}

  private final Path file;
  private final Signer key;
  private final int every;
  private final Clock clock;
  private final List<HashChainedLog> trails = new CopyOnWriteArrayList<>();
  private int sinceLast;
  private long indexedSize = -1;
  private long lastNumber;
  private String lastLineHash = HashChainedLog.GENESIS;
  private boolean lastVerified = true;

  /**
   * @param file  the checkpoint file, {@value #FILE_NAME} beside the trail
   * @param key   the worker's audit key
   * @param every sign a checkpoint after this many appends (and at the end of each release)
   */
  public AuditCheckpoints(Path file, Signer key, int every, Clock clock) {
    if (every < 1) {
      throw new IllegalArgumentException("checkpoints are signed every N appends: N must be at least 1, got " + every);
    }
    this.file = file;
    this.key = key;
    this.every = every;
    this.clock = clock;
  }

  public Path file() {
    return file;
  }

  public String keyId() {
    return key.keyId();
  }

  /** Adds a trail to every checkpoint; its appends count toward the next one. */
  public void cover(HashChainedLog trail) {
    trails.add(trail);
    trail.anchoredBy(this);
  }

  synchronized void appended(String release, boolean endOfRelease) {
    sinceLast++;
    if (endOfRelease || sinceLast >= every) {
      checkpoint(endOfRelease ? "release-end" : "every-" + every, release, null);
    }
  }

  /** Signs a checkpoint of every covered trail now. */
  // the file lock is held for the block and released by it; the body never needs to name it
  @SuppressWarnings("try")
  public synchronized Checkpoint checkpoint(String reason, String release, TrailHead archivedFrom) {
    List<TrailHead> heads = new ArrayList<>();
    Path folder = file.toAbsolutePath().getParent();
    for (HashChainedLog trail : trails) {
      HashChainedLog.Head head = trail.head();
      heads.add(new TrailHead(relative(folder, trail.file()), head.sequence(), head.hash(), head.eventId()));
    }
    try {
      Files.createDirectories(folder);
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
              StandardOpenOption.READ);
          FileLock lock = channel.lock()) {
        if (channel.size() != indexedSize) {
          reindex(channel.size());
        }
        Checkpoint checkpoint = new Checkpoint(TYPE, lastNumber + 1, lastLineHash, clock.instant().toString(),
            reason, release, heads, archivedFrom, lastVerified);
        String line = sign(checkpoint, key);
        channel.position(channel.size());
        channel.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.US_ASCII)));
        channel.force(true);
        indexedSize = channel.size();
        lastNumber = checkpoint.number();
        lastLineHash = Sha256.hex(line);
        lastVerified = true;
        sinceLast = 0;
        return checkpoint;
      }
    } catch (IOException e) {
      indexedSize = -1;
      throw new UncheckedIOException("cannot write the audit checkpoint " + file + ": " + e.getMessage(), e);
    }
  }

  /** The file's last checkpoint number and line hash (our own file: read, not verified; the verifier checks). */
  private void reindex(long size) throws IOException {
    lastNumber = 0;
    lastLineHash = HashChainedLog.GENESIS;
    lastVerified = true;
    String lastLine = null;
    try (BoundedLines lines = new BoundedLines(file, MAX_LINE_BYTES)) {
      for (BoundedLines.Line line = lines.next(); line != null; line = lines.next()) {
        if (line.tooLong()) {
          lastLine = "";
          continue;
        }
        lastLine = line.text();
        if (line.text().isBlank()) {
          continue;
        }
        try {
          Checkpoint checkpoint = JSON.readValue(JWSObject.parse(line.text()).getPayload().toString(),
              Checkpoint.class);
          lastNumber = Math.max(lastNumber, checkpoint.number());
        } catch (java.text.ParseException | IOException unreadable) {
          // the verifier reports it; numbering goes on from what can be read
        }
        lastLineHash = Sha256.hex(line.text());
      }
    }
    // Another writer (a worker sharing the trail) grew the file, or someone else did: vouch for its last line
    // only if it is a checkpoint this key signed.
    lastVerified = lastLine == null || signedBy(lastLine, key);
    indexedSize = size;
  }

  private static boolean signedBy(String line, Signer key) {
    try {
      return key.publicKey() instanceof java.security.interfaces.ECPublicKey ec
          && JWSObject.parse(line).verify(new com.nimbusds.jose.crypto.ECDSAVerifier(ec));
    } catch (java.text.ParseException | JOSEException | IllegalStateException e) {
      return false;
    }
  }

  static String relative(Path folder, Path trail) {
    Path absolute = trail.toAbsolutePath().normalize();
    Path base = folder.toAbsolutePath().normalize();
    return absolute.startsWith(base) || absolute.getRoot().equals(base.getRoot())
        ? base.relativize(absolute).toString().replace('\\', '/') : absolute.toString();
  }

  /** The checkpoint as a JWS compact serialization signed by {@code key} (ES256). */
  public static String sign(Checkpoint checkpoint, Signer key) {
    try {
      JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.keyId())
          .type(new JOSEObjectType(TYPE)).build();
      JWSObject jws = new JWSObject(header, new Payload(JSON.writeValueAsString(checkpoint)));
      jws.sign(new SignerAsJws(key));
      return jws.serialize();
    } catch (IOException | JOSEException e) {
      throw new IllegalStateException("cannot sign an audit checkpoint with key " + key.keyId() + ": "
          + e.getMessage(), e);
    }
  }

  /** Our {@link Signer} (a file key or KMS) as a JWS signer: DER ECDSA turned into JWS's R || S. */
  private record SignerAsJws(Signer key) implements JWSSigner {
    @Override
    public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
      return Base64URL.encode(ECDSA.transcodeSignatureToConcat(key.sign(signingInput), 64));
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
      return Set.of(JWSAlgorithm.ES256);
    }

    @Override
    public JCAContext getJCAContext() {
      return new JCAContext();
    }
  }
}
