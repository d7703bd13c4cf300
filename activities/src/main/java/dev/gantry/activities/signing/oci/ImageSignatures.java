package dev.gantry.activities.signing.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.activities.signing.SignatureRejected;
import dev.gantry.activities.signing.Signer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Image signatures and attestations where cosign keeps them, so {@code cosign verify} and
 * {@code cosign verify-attestation} accept ours and we accept cosign's. Always about a manifest digest,
 * never a tag.
 *
 * <p>cosign appends a layer per signature to the manifest at {@code sha256-<hex>.sig}; an activity that is
 * retried would append duplicates, so {@link #sign} and {@link #attach} first look for an equal layer and
 * push nothing when it is there. Like cosign, two signers appending at the same instant can lose one of
 * the two layers (the registry has no compare-and-swap on tags).
 */
public final class ImageSignatures {
  static final String SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature";
  static final String PREDICATE_TYPE_ANNOTATION = "predicateType";
  /**
   * Our addition to cosign's layer: the signing key's id (base64 SHA-256 of its SPKI, as in cosign's bundle
   * hint). cosign ignores it; we use it only to tell "signed by a key we do not trust" from "damaged
   * signature", never to decide trust.
   */
  static final String KEY_ID_ANNOTATION = "dev.gantry.signing/key-id";
  static final String DSSE_MEDIA_TYPE = "application/vnd.dsse.envelope.v1+json";

  private static final ObjectMapper JSON = new ObjectMapper();

  private ImageSignatures() {}

  /** Signs {@code imageReference@manifestDigest} as {@code cosign sign --key} does. */
  public static ImageSignatureRef sign(OciRegistryClient registry, String imageReference, String manifestDigest,
      Signer signer) {
    ImageName image = ImageName.parse(imageReference);
    requireImage(registry, image, manifestDigest);
    byte[] payload = SimpleSigningPayload.of(image, manifestDigest).bytes();
    String payloadDigest = OciDigests.sha256(payload);
    String tag = OciDigests.cosignTag(manifestDigest, "sig");
    Optional<Manifest> existing = registry.getManifest(image.repository(), tag);
    CosignManifest current = existing.map(m -> readForAppending(m, image, tag)).orElse(CosignManifest.EMPTY);

    // The payload is deterministic but ECDSA signatures are not: a retry is recognised by verifying.
    for (CosignManifest.Layer layer : current.layers()) {
      if (layer.digest().equals(payloadDigest)
          && EcdsaSignatures.verifies(signer.publicKey(), payload, layer.annotation(SIGNATURE_ANNOTATION))) {
        return new ImageSignatureRef(image.toString(), manifestDigest, tag, existing.get().digest(), payloadDigest,
            false);
      }
    }
    String signature = Base64.getEncoder().encodeToString(signer.sign(payload));
    registry.putBlob(image.repository(), payload);
    CosignManifest.Layer layer = new CosignManifest.Layer(SimpleSigningPayload.MEDIA_TYPE, payload.length,
        payloadDigest, Map.of(SIGNATURE_ANNOTATION, signature, KEY_ID_ANNOTATION, signer.keyId()));
    String pushed = current.plus(layer).push(registry, image.repository(), tag);
    return new ImageSignatureRef(image.toString(), manifestDigest, tag, pushed, payloadDigest, true);
  }

  /**
   * Attaches a DSSE envelope (an in-toto statement about this image, signed elsewhere) as
   * {@code cosign attest} does. Nothing is pushed when the {@code .att} manifest already holds an envelope
   * with the same statement and signatures.
   */
  public static ImageSignatureRef attach(OciRegistryClient registry, String imageReference, String manifestDigest,
      String dsseEnvelopeJson, String predicateType) {
    ImageName image = ImageName.parse(imageReference);
    requirePredicateType(predicateType);
    if (dsseEnvelopeJson == null) {
      throw new IllegalArgumentException("a DSSE envelope is required");
    }
    DsseIdentity envelope = DsseIdentity.of(dsseEnvelopeJson.getBytes(StandardCharsets.UTF_8))
        .orElseThrow(() -> new IllegalArgumentException("not a DSSE envelope (payloadType, payload and at least one"
            + " signature): " + abbreviate(dsseEnvelopeJson)));
    requireImage(registry, image, manifestDigest);
    String tag = OciDigests.cosignTag(manifestDigest, "att");
    Optional<Manifest> existing = registry.getManifest(image.repository(), tag);
    CosignManifest current = existing.map(m -> readForAppending(m, image, tag)).orElse(CosignManifest.EMPTY);

    for (CosignManifest.Layer layer : current.layers()) {
      if (DSSE_MEDIA_TYPE.equals(layer.mediaType()) && predicateType.equals(layer.annotation(PREDICATE_TYPE_ANNOTATION))
          && DsseIdentity.of(registry.getBlob(image.repository(), layer.digest())).filter(envelope::equals).isPresent()) {
        return new ImageSignatureRef(image.toString(), manifestDigest, tag, existing.get().digest(), layer.digest(),
            false);
      }
    }
    byte[] blob = dsseEnvelopeJson.getBytes(StandardCharsets.UTF_8);
    String blobDigest = registry.putBlob(image.repository(), blob);
    CosignManifest.Layer layer = new CosignManifest.Layer(DSSE_MEDIA_TYPE, blob.length, blobDigest,
        Map.of(SIGNATURE_ANNOTATION, "", PREDICATE_TYPE_ANNOTATION, predicateType));
    String pushed = current.plus(layer).push(registry, image.repository(), tag);
    return new ImageSignatureRef(image.toString(), manifestDigest, tag, pushed, blobDigest, true);
  }

  /**
   * Accepts the image when its {@code .sig} manifest holds at least one signature over a payload naming
   * exactly this digest and repository that verifies with a trusted key.
   *
   * @throws SignatureRejected why no signature was acceptable, layer by layer
   */
  public static VerifiedImageSignature verify(OciRegistryClient registry, String imageReference,
      String manifestDigest, Map<String, PublicKey> trustedKeys) {
    ImageName image = ImageName.parse(imageReference);
    OciDigests.requireSha256(manifestDigest);
    if (trustedKeys.isEmpty()) {
      throw new IllegalArgumentException("no trusted keys: nothing could verify " + image + "@" + manifestDigest);
    }
    String tag = OciDigests.cosignTag(manifestDigest, "sig");
    Manifest signatures = registry.getManifest(image.repository(), tag)
        .orElseThrow(() -> new SignatureRejected(SignatureRejected.Reason.MISSING, "image " + image + "@"
            + manifestDigest + " is not signed: expected cosign's signature manifest at tag " + tag
            + ", found no such tag in " + registry.baseUrl()));
    CosignManifest manifest;
    try {
      manifest = CosignManifest.read(signatures.bytes());
    } catch (IllegalArgumentException e) {
      throw new SignatureRejected(SignatureRejected.Reason.MALFORMED, "signature manifest " + image + ":" + tag
          + " (" + signatures.digest() + ") is " + e.getMessage());
    }
    return new SignatureLayerVerifier(registry, image, manifestDigest, trustedKeys).verify(tag, manifest);
  }

  /**
   * The DSSE envelopes (JSON, as stored) attached to the image with this predicate type, per the layers'
   * {@code predicateType} annotation; empty when there are none. The annotation is not signed: whoever
   * verifies an envelope must check the statement's own predicate type and subject.
   */
  public static List<String> attestationEnvelopes(OciRegistryClient registry, String imageReference,
      String manifestDigest, String predicateType) {
    ImageName image = ImageName.parse(imageReference);
    requirePredicateType(predicateType);
    String tag = OciDigests.cosignTag(manifestDigest, "att");
    Optional<Manifest> attestations = registry.getManifest(image.repository(), tag);
    if (attestations.isEmpty()) {
      return List.of();
    }
    CosignManifest manifest;
    try {
      manifest = CosignManifest.read(attestations.get().bytes());
    } catch (IllegalArgumentException e) {
      throw new SignatureRejected(SignatureRejected.Reason.MALFORMED, "attestation manifest " + image + ":" + tag
          + " (" + attestations.get().digest() + ") is " + e.getMessage());
    }
    List<String> envelopes = new ArrayList<>();
    for (CosignManifest.Layer layer : manifest.layers()) {
      if (DSSE_MEDIA_TYPE.equals(layer.mediaType()) && predicateType.equals(layer.annotation(PREDICATE_TYPE_ANNOTATION))) {
        envelopes.add(new String(registry.getBlob(image.repository(), layer.digest()), StandardCharsets.UTF_8));
      }
    }
    return envelopes;
  }

  // Signing a digest the registry does not have would publish a signature for nothing we can show.
  private static void requireImage(OciRegistryClient registry, ImageName image, String manifestDigest) {
    OciDigests.requireSha256(manifestDigest);
    if (registry.getManifest(image.repository(), manifestDigest).isEmpty()) {
      throw new OciRegistryException(404, "image " + image + "@" + manifestDigest + " is not in registry "
          + registry.baseUrl() + ": push the image before signing it");
    }
  }

  private static void requirePredicateType(String predicateType) {
    if (predicateType == null || predicateType.isBlank()) {
      throw new IllegalArgumentException("predicateType is required, e.g. https://slsa.dev/provenance/v1");
    }
  }

  // Overwriting a manifest we cannot read would delete other signers' layers: refuse instead.
  private static CosignManifest readForAppending(Manifest manifest, ImageName image, String tag) {
    try {
      return CosignManifest.read(manifest.bytes());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("cannot add to " + image + ":" + tag + " (" + manifest.digest() + "): it is "
          + e.getMessage() + "; refusing to overwrite it", e);
    }
  }

  private static String abbreviate(String text) {
    return text == null ? "null" : text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }

  /**
   * What makes two envelopes the same attestation: type, statement and signatures, whatever the JSON's
   * whitespace or field order. The same statement signed again (ECDSA differs each time) is a new layer.
   */
  private record DsseIdentity(String payloadType, String payload, Set<String> signatures) {
    static Optional<DsseIdentity> of(byte[] json) {
      try {
        JsonNode envelope = JSON.readTree(json);
        if (envelope == null || !envelope.path("payloadType").isTextual() || !envelope.path("payload").isTextual()
            || !envelope.path("signatures").isArray() || envelope.path("signatures").isEmpty()) {
          return Optional.empty();
        }
        Set<String> signatures = new HashSet<>();
        envelope.path("signatures").forEach(s -> signatures.add(s.path("sig").asText()));
        return Optional.of(new DsseIdentity(envelope.path("payloadType").asText(), envelope.path("payload").asText(),
            signatures));
      } catch (IOException e) {
        return Optional.empty();
      }
    }
  }
}
