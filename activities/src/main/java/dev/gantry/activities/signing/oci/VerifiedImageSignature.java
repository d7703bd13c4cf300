package dev.gantry.activities.signing.oci;

/** An image signature that named this digest and repository and verified with the trusted key {@code keyId}. */
public record VerifiedImageSignature(String imageReference, String imageDigest, String keyId, String layerDigest) {}
