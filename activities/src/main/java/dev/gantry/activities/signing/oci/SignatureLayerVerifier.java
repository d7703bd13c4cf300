package dev.gantry.activities.signing.oci;

import dev.gantry.activities.signing.KeyIds;
import dev.gantry.activities.signing.SignatureRejected;
import dev.gantry.activities.signing.SignatureRejected.Reason;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Looks through the layers of a {@code .sig} manifest for one acceptable signature. A layer is checked in
 * the order an attacker would have to pass: its signature first (nothing in an unauthenticated payload is
 * believed), then what the payload names. When no layer passes, the rejection carries the reason of the
 * layer that came closest and the findings of all layers.
 */
final class SignatureLayerVerifier {
  // Closest to acceptable first: a signature that names a trusted key but fails is the one to alarm about.
  private static final List<Reason> SEVERITY = List.of(
      Reason.SIGNATURE_INVALID, Reason.UNKNOWN_KEY, Reason.SUBJECT_DIGEST_MISMATCH, Reason.MALFORMED);

  private final OciRegistryClient registry;
  private final ImageName image;
  private final String manifestDigest;
  private final Map<String, PublicKey> trustedKeys;
  private final Map<String, String> trustedIdByHint = new HashMap<>();

  SignatureLayerVerifier(OciRegistryClient registry, ImageName image, String manifestDigest,
      Map<String, PublicKey> trustedKeys) {
    this.registry = registry;
    this.image = image;
    this.manifestDigest = manifestDigest;
    this.trustedKeys = trustedKeys;
    trustedKeys.forEach((id, key) -> trustedIdByHint.put(KeyIds.of(key), id));
  }

  private record Finding(Reason reason, String text) {}

  private static final class Rejected extends Exception {
    final Finding finding;

    Rejected(Reason reason, String text) {
      super(text, null, false, false);
      this.finding = new Finding(reason, text);
    }
  }

  VerifiedImageSignature verify(String tag, CosignManifest manifest) {
    String subject = image + "@" + manifestDigest;
    if (manifest.layers().isEmpty()) {
      throw new SignatureRejected(Reason.MISSING, "image " + subject + " is not signed: expected at least one"
          + " signature layer at " + image + ":" + tag + ", found none");
    }
    List<Finding> findings = new ArrayList<>();
    for (CosignManifest.Layer layer : manifest.layers()) {
      try {
        return check(layer);
      } catch (Rejected rejected) {
        findings.add(new Finding(rejected.finding.reason(),
            "layer " + (findings.size() + 1) + " (" + layer.digest() + "): " + rejected.finding.text()));
      }
    }
    Reason reason = findings.stream().map(Finding::reason).min(Comparator.comparingInt(SEVERITY::indexOf))
        .orElseThrow();
    throw new SignatureRejected(reason, "no acceptable signature for " + subject + " among the "
        + findings.size() + " layer(s) of " + image + ":" + tag + ": "
        + findings.stream().map(Finding::text).collect(Collectors.joining("; ")));
  }

  private VerifiedImageSignature check(CosignManifest.Layer layer) throws Rejected {
    if (!SimpleSigningPayload.MEDIA_TYPE.equals(layer.mediaType())) {
      throw new Rejected(Reason.MALFORMED, "media type " + layer.mediaType() + ", expected "
          + SimpleSigningPayload.MEDIA_TYPE);
    }
    byte[] signature = signatureOf(layer);
    byte[] payload = payloadOf(layer);
    String signedBy = trustedSigner(layer, payload, signature);
    SimpleSigningPayload claims;
    try {
      claims = SimpleSigningPayload.parse(payload);
    } catch (IllegalArgumentException e) {
      throw new Rejected(Reason.MALFORMED, "signed by trusted key " + signedBy + " but the " + e.getMessage());
    }
    if (!SimpleSigningPayload.COSIGN_TYPE.equals(claims.type())) {
      throw new Rejected(Reason.MALFORMED, "payload type is \"" + claims.type() + "\", expected \""
          + SimpleSigningPayload.COSIGN_TYPE + "\"");
    }
    if (!manifestDigest.equals(claims.manifestDigest())) {
      throw new Rejected(Reason.SUBJECT_DIGEST_MISMATCH, "signed by trusted key " + signedBy + " for digest "
          + claims.manifestDigest() + ", expected " + manifestDigest);
    }
    if (!image.toString().equals(claims.dockerReference())) {
      throw new Rejected(Reason.SUBJECT_DIGEST_MISMATCH, "signed by trusted key " + signedBy + " for repository "
          + claims.dockerReference() + ", expected " + image);
    }
    return new VerifiedImageSignature(image.toString(), manifestDigest, signedBy, layer.digest());
  }

  private static byte[] signatureOf(CosignManifest.Layer layer) throws Rejected {
    String base64 = layer.annotation(ImageSignatures.SIGNATURE_ANNOTATION);
    if (base64 == null || base64.isBlank()) {
      throw new Rejected(Reason.MALFORMED, "no " + ImageSignatures.SIGNATURE_ANNOTATION + " annotation");
    }
    try {
      return Base64.getDecoder().decode(base64.strip());
    } catch (IllegalArgumentException e) {
      throw new Rejected(Reason.MALFORMED, ImageSignatures.SIGNATURE_ANNOTATION + " is not base64");
    }
  }

  private byte[] payloadOf(CosignManifest.Layer layer) throws Rejected {
    try {
      return registry.getBlob(image.repository(), layer.digest());
    } catch (OciRegistryException e) {
      if (e.statusCode() == 0 || e.statusCode() >= 500) {
        throw e; // the registry is down, not the signature wrong: let the caller retry
      }
      throw new Rejected(Reason.MALFORMED, "payload blob cannot be read: " + e.getMessage());
    }
  }

  /** The id of the trusted key the signature verifies with; otherwise why not. */
  private String trustedSigner(CosignManifest.Layer layer, byte[] payload, byte[] signature) throws Rejected {
    for (Map.Entry<String, PublicKey> trusted : trustedKeys.entrySet()) {
      switch (EcdsaSignatures.check(trusted.getValue(), payload, signature)) {
        case VALID:
          return trusted.getKey();
        case NOT_DER:
          throw new Rejected(Reason.MALFORMED, "signature is not an ASN.1 DER ECDSA signature");
        default:
          break;
      }
    }
    // The key hint is unsigned: it only chooses the words of the rejection, never the verdict.
    String hint = layer.annotation(ImageSignatures.KEY_ID_ANNOTATION);
    if (hint == null) {
      throw new Rejected(Reason.SIGNATURE_INVALID, "signature verifies with none of the trusted keys "
          + trustedKeys.keySet() + " (the layer names no key, as cosign's do not, so a signature by an untrusted"
          + " key and a damaged one look alike)");
    }
    if (trustedIdByHint.containsKey(hint)) {
      throw new Rejected(Reason.SIGNATURE_INVALID, "names trusted key " + trustedIdByHint.get(hint)
          + " but its signature does not verify with that key (payload or signature altered)");
    }
    throw new Rejected(Reason.UNKNOWN_KEY, "signed by key " + hint + ", expected one of the trusted keys "
        + trustedKeys.keySet());
  }
}
