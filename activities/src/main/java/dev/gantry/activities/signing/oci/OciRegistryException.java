package dev.gantry.activities.signing.oci;

/**
 * A registry that refused a request (with its HTTP status and error codes in the message), answered with
 * content that does not match its digest, or could not be reached ({@link #statusCode()} 0).
 */
public final class OciRegistryException extends RuntimeException {
  private final int statusCode;

  OciRegistryException(int statusCode, String message) {
    super(message);
    this.statusCode = statusCode;
  }

  OciRegistryException(String message, Throwable cause) {
    super(message, cause);
    this.statusCode = 0;
  }

  /** The HTTP status the registry answered, or 0 when there was no answer. */
  public int statusCode() {
    return statusCode;
  }
}
