package dev.gantry.workflows.api.input;

import java.util.regex.Pattern;

/**
 * How much a message to a release may carry, field by field and in total. Everything a client sends
 * (a signal typed in the Temporal UI, an update from the CLI) is hostile until it fits: a message over a
 * limit or of the wrong shape is refused and recorded by a short summary ({@link Names#shown}), never kept
 * whole. Otherwise a few large messages would grow a release's status and result past Temporal's 2 MiB
 * blob limit (the status query fails, the server terminates the release when it ends), and a line break
 * or an escape in a name would forge lines in its timeline.
 *
 * <p>Blank fields are not judged here: whether a field is required is the gate's rule, with its own
 * message.
 */
public final class MessageLimits {
  private MessageLimits() {}

  /** Free text: a comment, a reason, a justification. One line. */
  public static final int TEXT = 1_000;
  /** A short reference: an incident, a change ticket, a gate, a decision, a date. */
  public static final int REFERENCE = 64;
  /** An artifact digest: {@code sha256:<64 hex digits>} (71) with room for a longer algorithm name. */
  public static final int DIGEST = 80;
  /** A signed approval token: claims and an ECDSA signature in base64url, about 500 characters. */
  public static final int TOKEN = 4_096;
  /** All fields of one message together. */
  public static final int MESSAGE = 8_192;

  private static final Pattern DIGEST_SHAPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9:]{0," + (DIGEST - 1) + "}");
  private static final Pattern TOKEN_SHAPE = Pattern.compile("[A-Za-z0-9_=.-]{1," + TOKEN + "}");
  private static final Pattern REFERENCE_SHAPE =
      Pattern.compile("[\\x21-\\x7e][\\x20-\\x7e]{0," + (REFERENCE - 1) + "}");

  /** What a field must look like. */
  public enum Shape {
    PERSON(64, "a name like alice (letters, digits and . _ @ + -, at most 64 characters)") {
      @Override
      boolean fits(String value) {
        return Names.isPerson(value);
      }
    },
    NAME(63, "a name like production (lowercase letters, digits and -, at most 63 characters)") {
      @Override
      boolean fits(String value) {
        return Names.isName(value);
      }
    },
    VERSION(128, "a version like 1.4.0 (letters, digits and . _ + -, at most 128 characters)") {
      @Override
      boolean fits(String value) {
        return Names.isVersion(value);
      }
    },
    DIGEST(MessageLimits.DIGEST, "an artifact digest like sha256:<64 hex digits>") {
      @Override
      boolean fits(String value) {
        return DIGEST_SHAPE.matcher(value).matches();
      }
    },
    TOKEN(MessageLimits.TOKEN, "a token minted by `gantry approval-token` (base64url, at most "
        + MessageLimits.TOKEN + " characters)") {
      @Override
      boolean fits(String value) {
        return TOKEN_SHAPE.matcher(value).matches();
      }
    },
    REFERENCE(MessageLimits.REFERENCE, "a short reference like INC-4711 (printable ASCII, at most "
        + MessageLimits.REFERENCE + " characters)") {
      @Override
      boolean fits(String value) {
        return REFERENCE_SHAPE.matcher(value).matches();
      }
    },
    TEXT(MessageLimits.TEXT, "one line of text (no line breaks, tabs, escapes or other control characters)") {
      @Override
      boolean fits(String value) {
        return isOneLine(value);
      }
    };

    private final int maxLength;
    private final String description;

    Shape(int maxLength, String description) {
      this.maxLength = maxLength;
      this.description = description;
    }

    abstract boolean fits(String value);

    public int maxLength() {
      return maxLength;
    }

    /** True if the value, without the plain spaces around it, has this shape. */
    public boolean admits(String value) {
      if (value == null) {
        return false;
      }
      String kept = stripSpaces(value);
      return kept.length() <= maxLength && fits(kept);
    }
  }

  /** One field of a message, with the shape it must have. */
  public record Field(String name, String value, Shape shape) {
    /** Null when the field is blank or fits, else what is wrong with it, hostile values shown cut. */
    String problem() {
      if (value == null || value.isBlank()) {
        return null;
      }
      String kept = stripSpaces(value);
      if (kept.length() > shape.maxLength()) {
        return "field '" + name + "' has " + value.length() + " characters, at most " + shape.maxLength()
            + " are taken";
      }
      if (!shape.fits(kept)) {
        return "field '" + name + "' must be " + shape.description + ", got " + Names.shown(value);
      }
      return null;
    }
  }

  public static Field field(String name, String value, Shape shape) {
    return new Field(name, value, shape);
  }

  /**
   * Null when the message fits, else why it is refused, in a few hundred characters whatever was sent.
   *
   * @param message the message's name as people know it, e.g. {@code approve}
   */
  public static String problem(String message, Field... fields) {
    long total = 0;
    Field largest = null;
    for (Field field : fields) {
      if (field.value() != null) {
        total += field.value().length();
        if (largest == null || field.value().length() > largest.value().length()) {
          largest = field;
        }
      }
    }
    if (total > MESSAGE) {
      return message + " message refused: " + total + " characters, at most " + MESSAGE + " are taken (field '"
          + largest.name() + "' has " + largest.value().length() + ")";
    }
    for (Field field : fields) {
      String problem = field.problem();
      if (problem != null) {
        return message + " message refused: " + problem;
      }
    }
    return null;
  }

  /**
   * True if the text stays on one line when printed: no control characters (C0, DEL, C1: line breaks,
   * tabs, terminal escapes), no Unicode line or paragraph separators, no bidirectional overrides (which
   * reorder what a terminal shows), no lone surrogates.
   */
  public static boolean isOneLine(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (breaksTheLine(c)) {
        return false;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /** A character that must never reach a line of text a person reads: see {@link #isOneLine}. */
  public static boolean breaksTheLine(char c) {
    return Character.isISOControl(c) || c == '\u2028' || c == '\u2029'
        || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069');
  }

  /**
   * The value in at most {@code max} characters (for a {@code max} of 40 or more), on one line: what does
   * not fit is left out and counted ("... (N more characters)"), line breaks and tabs become spaces, every
   * other character that breaks a line becomes '?'. For text the release keeps, whoever wrote it.
   */
  public static String cut(String value, int max) {
    if (value == null) {
      return null;
    }
    int keep = value.length();
    if (keep > max) {
      keep = Math.max(0, max - (LEFT_OUT.length() + String.valueOf(value.length()).length()));
      if (keep > 0 && Character.isHighSurrogate(value.charAt(keep - 1))) {
        keep--; // never split a character in two
      }
    }
    StringBuilder kept = new StringBuilder(Math.min(value.length(), max));
    for (int i = 0; i < keep; i++) {
      char c = value.charAt(i);
      if (c == '\n' || c == '\r' || c == '\t') {
        kept.append(' ');
      } else {
        kept.append(breaksTheLine(c) || (Character.isSurrogate(c) && !pairedAt(value, i)) ? '?' : c);
      }
    }
    if (keep < value.length()) {
      kept.append(" ... (").append(value.length() - keep).append(" more characters)");
    }
    return kept.toString();
  }

  private static final String LEFT_OUT = " ... ( more characters)";

  private static boolean pairedAt(String value, int i) {
    char c = value.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(value.charAt(i - 1));
  }

  /** The value without the plain spaces around it (not tabs, not line breaks: those are refused). */
  public static String stripSpaces(String value) {
    int from = 0;
    int to = value.length();
    while (from < to && value.charAt(from) == ' ') {
      from++;
    }
    while (to > from && value.charAt(to - 1) == ' ') {
      to--;
    }
    return value.substring(from, to);
  }
}
