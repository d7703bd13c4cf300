package dev.gantry.activities.signing;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.sigstore.proto.bundle.v1.Bundle;
import dev.sigstore.proto.bundle.v1.VerificationMaterial;
import dev.sigstore.proto.common.v1.PublicKeyIdentifier;
import io.intoto.EnvelopeOuterClass.Envelope;

/**
 * Sigstore bundles v0.3 as JSON, through the protobuf classes sigstore-java ships: protobuf's JSON
 * mapping is what cosign writes too (camelCase names, base64 bytes, enum names, empty fields omitted).
 */
final class BundleJson {
  static final String MEDIA_TYPE_V03 = "application/vnd.dev.sigstore.bundle.v0.3+json";

  private BundleJson() {}

  /** A bundle for a key-based signature: the key is named by its hint only, as cosign does. */
  static Bundle.Builder withKeyHint(String keyId) {
    return Bundle.newBuilder()
        .setMediaType(MEDIA_TYPE_V03)
        .setVerificationMaterial(VerificationMaterial.newBuilder()
            .setPublicKey(PublicKeyIdentifier.newBuilder().setHint(keyId)));
  }

  static String print(Bundle bundle) {
    try {
      return JsonFormat.printer().omittingInsignificantWhitespace().print(bundle);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot render a bundle as JSON: " + e.getMessage(), e);
    }
  }

  /**
   * Parses and checks the parts every key-based bundle needs. Unknown fields are ignored (newer bundle
   * versions add some); everything we rely on is checked explicitly.
   */
  static Bundle parseKeyBased(String json) {
    if (json == null || json.isBlank()) {
      throw malformed("the bundle is empty");
    }
    Bundle.Builder builder = Bundle.newBuilder();
    try {
      JsonFormat.parser().ignoringUnknownFields().merge(json, builder);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      // protobuf reports "not JSON" and a truncated document through the same exception, quoting the input:
      // neither its words nor the exception are passed on.
      throw new SignatureRejected(SignatureRejected.Reason.MALFORMED,
          "the bundle is not a valid Sigstore bundle (not JSON, truncated or a field of the wrong type)");
    }
    Bundle bundle = builder.build();
    if (!bundle.getMediaType().startsWith("application/vnd.dev.sigstore.bundle")) {
      throw malformed("the bundle's mediaType is '" + bundle.getMediaType()
          + "', expected " + MEDIA_TYPE_V03);
    }
    VerificationMaterial material = bundle.getVerificationMaterial();
    if (material.getContentCase() != VerificationMaterial.ContentCase.PUBLIC_KEY) {
      throw malformed("the bundle carries no public key hint (verification material: "
          + material.getContentCase() + "); a certificate bundle is verified with KeylessBundles");
    }
    return bundle;
  }

  /** A bare DSSE envelope, as cosign stores attestations at an image's {@code .att} tag. */
  static Envelope parseEnvelope(String json) {
    if (json == null || json.isBlank()) {
      throw malformed("the DSSE envelope is empty");
    }
    Envelope.Builder builder = Envelope.newBuilder();
    try {
      JsonFormat.parser().ignoringUnknownFields().merge(json, builder);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new SignatureRejected(SignatureRejected.Reason.MALFORMED,
          "the DSSE envelope is not valid (not JSON, truncated or a field of the wrong type)");
    }
    return builder.build();
  }

  private static SignatureRejected malformed(String message) {
    return new SignatureRejected(SignatureRejected.Reason.MALFORMED, message);
  }
}
