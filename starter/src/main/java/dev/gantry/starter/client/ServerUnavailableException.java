package dev.gantry.starter.client;

public class ServerUnavailableException extends GantryException {
  public ServerUnavailableException(String address, Throwable cause) {
    super("cannot reach Temporal at " + address + " (" + cause.getMessage() + "). Start a local one with"
        + " `./gantry dev`, or point --address / GANTRY_ADDRESS at your cluster.", cause);
  }
}
