package dev.gantry.activities.support;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.time.Duration;

/**
 * The JDK HTTP client as the adapters use it (webhooks, the change board, Split, CloudWatch, metrics, health URLs,
 * OCI registries), and what they share about talking to a peer: whether a host is this machine, and how much
 * of a peer's answer a message may quote.
 */
public final class HttpClients {
  private HttpClients() {}

  /**
   * A client that gives up connecting after {@code connectTimeout}. Each request sets its own timeout. Redirects
   * are the caller's choice: most peers get {@link HttpClient.Redirect#NEVER}, so a token never follows a
   * redirect to another host.
   */
  public static HttpClient create(Duration connectTimeout, HttpClient.Redirect redirects) {
    return HttpClient.newBuilder().connectTimeout(connectTimeout).followRedirects(redirects).build();
  }

  /**
   * True for {@code localhost} and literal loopback addresses: where a secret may travel over plain http.
   * No DNS lookup decides whether a token may travel in clear.
   */
  public static boolean isLoopback(String host) {
    if (host == null) {
      return false;
    }
    if (host.equals("localhost")) {
      return true;
    }
    try {
      return (host.matches("[0-9.]+") || host.startsWith("["))
          && InetAddress.getByName(host.replace("[", "").replace("]", "")).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** A peer's answer on one line, cut after {@code max} characters; empty for none. */
  public static String flatten(String body, int max) {
    String flat = body == null ? "" : body.replaceAll("\\s+", " ").trim();
    return flat.length() <= max ? flat : flat.substring(0, max) + "...";
  }
}
