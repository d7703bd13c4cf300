package dev.gantry.workflows.api.flags;

/** Business keys of the flag workflows. */
public final class FlagIds {
  private FlagIds() {}

  public static String ramp(String application, String flag, String environment) {
    return "flag-ramp/" + application + "/" + flag + "/" + environment;
  }

  public static String experiment(String application, String name, String environment) {
    return "experiment/" + application + "/" + name + "/" + environment;
  }
}
