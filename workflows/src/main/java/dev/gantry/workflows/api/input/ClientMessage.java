package dev.gantry.workflows.api.input;

/**
 * A message a client sends to a running release (a signal or an update), read leniently from any JSON: it says
 * whether it could be read ({@link #malformed()}) and whether it fits {@link MessageLimits} ({@link #outOfBounds()}).
 * Every gate that takes one refuses it first for those two reasons, in one place: {@link #shapeRefusal}.
 */
public interface ClientMessage {
  /** Set only when the payload could not be read: what was wrong with it. */
  String malformed();

  /** Null when every field is within {@link MessageLimits}, else why the message is refused. */
  String outOfBounds();

  /**
   * Why the message is refused before any rule of its gate looks at it, or null: it could not be read, or (with
   * {@code boundedInput}) it is over a limit.
   *
   * @param message      the message's name as people know it, e.g. {@code approve}
   * @param boundedInput hold the message to {@link MessageLimits} (false only for releases started before the
   *                     limits existed, which replay without them)
   */
  default String shapeRefusal(String message, boolean boundedInput) {
    if (malformed() != null) {
      return "malformed " + message + " message: " + malformed();
    }
    if (boundedInput && outOfBounds() != null) {
      return outOfBounds();
    }
    return null;
  }
}
