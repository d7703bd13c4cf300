package dev.gantry.starter.spec;

import java.util.List;

/**
 * The release spec as written by users ({@code release.yaml}). Unknown fields are errors here (a typo must
 * not silently drop a setting), unlike the workflow messages, which tolerate new fields.
 */
record ReleaseSpecFile(
    String application,
    String version,
    String requestedBy,
    ArtifactSpec artifact,
    List<String> promotion,
    String environmentsDir,
    String approversDirectory) {

  record ArtifactSpec(String file, String image, String digest) {}
}
