package dev.gantry.starter.client;

/** The release refused an approval, rejection or override; nothing was recorded in its history. */
public class GateRefusedException extends GantryException {
  public GateRefusedException(String what, String reason) {
    super(what + " refused: " + reason);
  }
}
