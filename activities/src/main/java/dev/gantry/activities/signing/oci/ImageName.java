package dev.gantry.activities.signing.oci;

/**
 * An image reference without tag or digest, {@code host[:port]/repository}, as cosign writes it in the
 * simple-signing payload's {@code docker-reference}. The registry host is required: a short name like
 * {@code app} means Docker Hub to cosign, which is never what a release of ours means.
 */
record ImageName(String registry, String repository) {

  static ImageName parse(String imageReference) {
    if (imageReference == null || imageReference.contains("@")) {
      throw new IllegalArgumentException("expected host:port/repository without a digest, got " + imageReference
          + " (the digest is a separate argument)");
    }
    int slash = imageReference.indexOf('/');
    String registry = slash > 0 ? imageReference.substring(0, slash) : "";
    String repository = slash > 0 ? imageReference.substring(slash + 1) : "";
    boolean looksLikeHost = registry.contains(".") || registry.contains(":") || registry.equals("localhost");
    if (!looksLikeHost || repository.isEmpty() || repository.contains(":")) {
      throw new IllegalArgumentException("expected host:port/repository (e.g. 127.0.0.1:5000/app), got "
          + imageReference + (repository.contains(":") ? ": sign by digest, not by tag" : ""));
    }
    return new ImageName(registry, repository);
  }

  @Override
  public String toString() {
    return registry + "/" + repository;
  }
}
