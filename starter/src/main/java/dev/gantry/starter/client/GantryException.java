package dev.gantry.starter.client;

/** Base of the errors the Gantry client reports; the message says what happened and what to do. */
public class GantryException extends RuntimeException {
  public GantryException(String message) {
    super(message);
  }

  public GantryException(String message, Throwable cause) {
    super(message, cause);
  }
}
