package dev.gantry.activities.signing;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.intoto.EnvelopeOuterClass.Envelope;
import io.intoto.EnvelopeOuterClass.Signature;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Dead Simple Signing Envelopes (DSSE v1). The signature covers the pre-authentication encoding, not the
 * payload alone, so a payload cannot be replayed under another type.
 */
public final class Dsse {
  public static final String IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";

  private Dsse() {}

  /**
   * {@code "DSSEv1" SP len(type) SP type SP len(body) SP body}. Lengths count UTF-8 bytes, never
   * characters (sigstore-java 2.0.0 counts characters, which breaks any non-ASCII statement).
   */
  public static byte[] pae(String payloadType, byte[] payload) {
    byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(type.length + payload.length + 32);
    out.writeBytes(("DSSEv1 " + type.length + " ").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(type);
    out.writeBytes((" " + payload.length + " ").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(payload);
    return out.toByteArray();
  }

  /** An envelope with one signature; cosign leaves {@code keyid} empty, and so do we. */
  static Envelope sign(String payloadType, byte[] payload, Signer signer) {
    byte[] signature = signer.sign(pae(payloadType, payload));
    return Envelope.newBuilder()
        .setPayload(ByteString.copyFrom(payload))
        .setPayloadType(payloadType)
        .addSignatures(Signature.newBuilder().setSig(ByteString.copyFrom(signature)).setKeyid(""))
        .build();
  }

  /** The standalone envelope as cosign's {@code --output-attestation} writes it (with {@code "keyid":""}). */
  static String toJson(Envelope envelope) {
    try {
      return JsonFormat.printer().alwaysPrintFieldsWithNoPresence().omittingInsignificantWhitespace()
          .print(envelope);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot render a DSSE envelope as JSON: " + e.getMessage(), e);
    }
  }
}
