package dev.gantry.workflows.api.environment;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * What a region runs, read from the target itself.
 *
 * @param version the live version, or null when nothing runs there (or the region is gone)
 * @param digest  the digest of the live bytes ({@code sha256:<hex>}), or null when the target cannot say
 * @param detail  where it was read (symlink, alias), for people
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RegionActual(String region, String version, String digest, String detail) {}
