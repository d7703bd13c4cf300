package dev.gantry.workflows.api.lock;

/** One release per application and environment at a time: names shared by the lock and its users. */
public final class Locks {
  public static final String WAIT = "wait";
  public static final String REFUSE = "refuse";
  public static final String GRANTED = "granted";
  public static final String QUEUED = "queued";
  public static final String REFUSED = "refused";

  private Locks() {}

  /** The lock workflow's id: {@code lock/<app>/<env>}. */
  public static String id(String application, String environment) {
    return "lock/" + application + "/" + environment;
  }

  /** The policy's {@code concurrency} value as a mode; null means the default, wait. */
  public static String mode(String concurrency) {
    return REFUSE.equals(concurrency) ? REFUSE : WAIT;
  }
}
