package dev.gantry.activities.signing.oci;

/**
 * A manifest as the registry served it: its media type, its exact bytes (digests are over these bytes, so
 * they are never re-serialized) and its digest.
 */
public record Manifest(String mediaType, byte[] bytes, String digest) {}
