package dev.gantry.activities.signing.oci;

/**
 * Where a signature or attestation of an image lives: the image ({@code host:port/repo} and manifest digest),
 * cosign's tag for it ({@code sha256-<hex>.sig} or {@code .att}), the digest of the manifest at that tag and
 * of the layer that holds ours. {@code pushed} is false when an equal layer was already there (a retry).
 */
public record ImageSignatureRef(
    String imageReference, String imageDigest, String tag, String manifestDigest, String layerDigest,
    boolean pushed) {

  /** e.g. {@code 127.0.0.1:5000/app:sha256-<hex>.sig}, as {@code cosign triangulate} prints it. */
  public String taggedReference() {
    return imageReference + ":" + tag;
  }
}
