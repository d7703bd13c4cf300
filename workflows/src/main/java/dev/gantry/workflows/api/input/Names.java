package dev.gantry.workflows.api.input;

import java.util.regex.Pattern;

/**
 * The strict shapes of the names that become workflow ids, folder names and audit keys. Checked by the
 * worker (the policy resolver and every adapter that builds a path from a name), not only by the CLI: a
 * name that crosses from a client is hostile until it matches.
 */
public final class Names {
  private Names() {}

  /** Applications, environments, regions, groups: lowercase, digits and '-', starting with a letter or digit. */
  public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  /** Versions: letters, digits, '.', '_', '+', '-'; never "." or "..", never a '/'. */
  public static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,127}");
  /** People and service accounts as typed in a signal: a short handle, no spaces or control characters. */
  public static final Pattern PERSON = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}");
  public static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

  public static boolean isName(String value) {
    return value != null && NAME.matcher(value).matches();
  }

  public static boolean isVersion(String value) {
    return value != null && VERSION.matcher(value).matches() && !value.contains("..");
  }

  public static boolean isPerson(String value) {
    return value != null && PERSON.matcher(value).matches();
  }

  public static boolean isDigest(String value) {
    return value != null && DIGEST.matcher(value).matches();
  }

  /** Free text on one line: control characters (newlines, escapes) become spaces, at most {@code max} kept. */
  public static String oneLine(String value, int max) {
    if (value == null) {
      return "";
    }
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < value.length() && line.length() < max; i++) {
      char c = value.charAt(i);
      line.append(Character.isISOControl(c) ? ' ' : c);
    }
    return line.toString().strip();
  }

  /**
   * A value as it may appear in a refusal: at most 64 printable ASCII characters, the rest counted, so
   * that a hostile name can neither forge lines nor grow a message.
   */
  public static String shown(String value) {
    return shown(value, 64);
  }

  /** As {@link #shown(String)}, keeping at most {@code max} characters (a digest needs 71). */
  public static String shown(String value, int max) {
    if (value == null) {
      return "nothing";
    }
    StringBuilder shown = new StringBuilder("'");
    int limit = Math.min(value.length(), max);
    for (int i = 0; i < limit; i++) {
      char c = value.charAt(i);
      shown.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    shown.append('\'');
    if (value.length() > limit) {
      shown.append(" (").append(value.length() - limit).append(" more characters)");
    }
    return shown.toString();
  }
}
