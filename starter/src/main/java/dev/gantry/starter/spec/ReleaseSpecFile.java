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
    String approversDirectory,
    SigningSpec signing) {

  record ArtifactSpec(String file, String image, String digest) {}

  record SigningSpec(String key, String passwordEnv, String sbom, SourceSpec source) {}

  record SourceSpec(String repository, String commit) {}
}
