package dev.gantry.activities.signing;

import static dev.gantry.activities.signing.SignatureRejected.Reason.KEY_NOT_VALID_AT_SIGNING_TIME;
import static dev.gantry.activities.signing.SignatureRejected.Reason.MALFORMED;
import static dev.gantry.activities.signing.SignatureRejected.Reason.MISSING;
import static dev.gantry.activities.signing.SignatureRejected.Reason.SIGNATURE_INVALID;

import dev.sigstore.proto.bundle.v1.Bundle;
import dev.sigstore.proto.rekor.v1.TransparencyLogEntry;
import dev.sigstore.proto.trustroot.v1.TransparencyLogInstance;
import dev.sigstore.proto.trustroot.v1.TrustedRoot;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.tsp.TimeStampResponse;
import org.bouncycastle.tsp.TimeStampToken;

/**
 * When a keyless signature was made, as far as something vouches for it, and whether the certificate and the
 * log's key were valid then: the checks sigstore-java leaves out (see {@link KeylessBundles}).
 */
final class KeylessSigningTimes {
  /** Clocks drift: an integrated time this far ahead of the worker's clock is still "now". */
  static final Duration CLOCK_SKEW = Duration.ofMinutes(2);

  private KeylessSigningTimes() {}

  /**
   * The times the signature is vouched to have existed: a Rekor v1 integrated time under a signed entry
   * timestamp (the library checks the SET), each RFC 3161 timestamp (the library checks its signature).
   * Each must lie inside the certificate's validity and none in the future.
   */
  static List<Instant> of(Bundle bundle, X509Certificate leaf, Instant now) {
    List<Instant> times = new ArrayList<>();
    Instant notBefore = leaf.getNotBefore().toInstant();
    Instant notAfter = leaf.getNotAfter().toInstant();
    for (TransparencyLogEntry entry : bundle.getVerificationMaterial().getTlogEntriesList()) {
      if (entry.hasInclusionPromise() && entry.getIntegratedTime() > 0) {
        Instant integrated = Instant.ofEpochSecond(entry.getIntegratedTime());
        if (integrated.isAfter(now.plus(CLOCK_SKEW))) {
          throw new SignatureRejected(KEY_NOT_VALID_AT_SIGNING_TIME, "the Rekor entry's integrated time "
              + integrated + " is in the future");
        }
        if (integrated.isBefore(notBefore) || integrated.isAfter(notAfter)) {
          throw new SignatureRejected(KEY_NOT_VALID_AT_SIGNING_TIME, "the Rekor entry's integrated time "
              + integrated + " is outside the signing certificate's validity (" + notBefore + " to " + notAfter + ")");
        }
        times.add(integrated);
      }
    }
    for (var timestamp : bundle.getVerificationMaterial().getTimestampVerificationData().getRfc3161TimestampsList()) {
      Instant at = genTime(timestamp.getSignedTimestamp().toByteArray());
      if (at.isAfter(now.plus(CLOCK_SKEW))) {
        throw new SignatureRejected(KEY_NOT_VALID_AT_SIGNING_TIME, "an RFC 3161 timestamp (" + at
            + ") is in the future");
      }
      if (at.isBefore(notBefore) || at.isAfter(notAfter)) {
        throw new SignatureRejected(KEY_NOT_VALID_AT_SIGNING_TIME, "an RFC 3161 timestamp (" + at
            + ") is outside the signing certificate's validity (" + notBefore + " to " + notAfter + ")");
      }
      times.add(at);
    }
    if (times.isEmpty()) {
      throw new SignatureRejected(MISSING, "the keyless bundle proves no signing time: it needs a Rekor v1 entry"
          + " with a signed entry timestamp or an RFC 3161 timestamp (Rekor v2 entries have no integrated time)");
    }
    return times;
  }

  /**
   * The Rekor log's key must have been valid (per the trusted root, end inclusive) when the entry was made:
   * sigstore-java finds the log by its id alone. The time is the integrated time (Rekor v1) or, without one,
   * every timestamp's.
   */
  static void logValidAt(TrustedRoot root, TransparencyLogEntry entry, List<Instant> times) {
    TransparencyLogInstance log = root.getTlogsList().stream()
        .filter(candidate -> candidate.getLogId().getKeyId().equals(entry.getLogId().getKeyId()))
        .findFirst()
        .orElseThrow(() -> new SignatureRejected(SIGNATURE_INVALID, "the Rekor entry's log is not in the trusted root"));
    List<Instant> when = entry.hasInclusionPromise() && entry.getIntegratedTime() > 0
        ? List.of(Instant.ofEpochSecond(entry.getIntegratedTime())) : times;
    var validFor = log.getPublicKey().getValidFor();
    Instant start = Instant.ofEpochSecond(validFor.getStart().getSeconds(), validFor.getStart().getNanos());
    Instant end = validFor.hasEnd() ? Instant.ofEpochSecond(validFor.getEnd().getSeconds(), validFor.getEnd().getNanos())
        : null;
    for (Instant at : when) {
      if (at.isBefore(start) || (end != null && at.isAfter(end))) {
        throw new SignatureRejected(SIGNATURE_INVALID, "the Rekor entry was made at " + at + ", outside the validity"
            + " of its log's key in the trusted root (" + start + " to " + (end == null ? "open" : end) + ")");
      }
    }
  }

  private static Instant genTime(byte[] der) {
    try {
      return new TimeStampResponse(der).getTimeStampToken().getTimeStampInfo().getGenTime().toInstant();
    } catch (Exception notAResponse) {
      try {
        return new TimeStampToken(new org.bouncycastle.cms.CMSSignedData(der)).getTimeStampInfo().getGenTime()
            .toInstant();
      } catch (Exception e) {
        throw new SignatureRejected(MALFORMED, "an RFC 3161 timestamp of the bundle cannot be read");
      }
    }
  }
}
