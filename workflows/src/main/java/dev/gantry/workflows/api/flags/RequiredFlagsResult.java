package dev.gantry.workflows.api.flags;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * What Split said about the required flags.
 *
 * @param present flags defined and alive
 * @param missing flags not defined in the environment
 * @param killed  flags defined but killed
 * @param source  where the answer came from ({@code split-sdk localhost <file>}, {@code split-sdk},
 *                {@code split-admin-api <environment>})
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RequiredFlagsResult(List<String> present, List<String> missing, List<String> killed, String source) {
  public boolean passed() {
    return (missing == null || missing.isEmpty()) && (killed == null || killed.isEmpty());
  }
}
