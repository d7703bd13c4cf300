package dev.gantry.workflows.api.release;

/** Workflow ids are business keys: starting the same release twice is refused by Temporal itself. */
public final class ReleaseIds {
  private ReleaseIds() {}

  public static String release(String application, String version) {
    return "release/" + application + "/" + version;
  }

  /** A promotion of a version into one environment: {@code promotion/<app>/<version>/<env>}. */
  public static String promotion(String application, String version, String environment) {
    return "promotion/" + application + "/" + version + "/" + environment;
  }

  public static String region(String releaseId, String environment, String region) {
    return releaseId + "/" + environment + "/" + region;
  }

  /** The failover watch of one region: {@code failover/<app>/<env>/<region>}. */
  public static String failover(String application, String environment, String region) {
    return "failover/" + application + "/" + environment + "/" + region;
  }

  /**
   * The owner of an application's traffic on one DNS name: {@code traffic/<app>/<dns name>} (lower case,
   * no trailing dot), whatever the region or environment that asks.
   */
  /** The destroy of an environment: {@code env-destroy/<app>/<env>}. */
  public static String destroy(String application, String environment) {
    return "env-destroy/" + application + "/" + environment;
  }

  public static String traffic(String application, String recordName) {
    String name = recordName == null ? "" : recordName.trim().toLowerCase(java.util.Locale.ROOT);
    if (name.endsWith(".")) {
      name = name.substring(0, name.length() - 1);
    }
    return "traffic/" + application + "/" + name;
  }
}
