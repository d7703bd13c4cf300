package dev.gantry.workflows.api.traffic;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * @param healthy true only when every configured check passed
 * @param detail  one line: what passed, what did not
 * @param failing the checks that did not pass, e.g. {@code alarm hello-5xx-us-west-2 is ALARM}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RegionHealth(String region, boolean healthy, String detail, List<String> failing) {}
