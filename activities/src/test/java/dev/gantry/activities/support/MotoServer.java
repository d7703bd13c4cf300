package dev.gantry.activities.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * moto in server mode on a loopback port: one endpoint for every AWS service and region. Started by the
 * test, stopped with it. Skips the test when {@code scripts/test-tools.sh} has not installed moto.
 */
public final class MotoServer implements AutoCloseable {
  private final Process process;
  private final int port;

  private MotoServer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  public static MotoServer start() {
    Path motoServer = TestTools.require("moto/bin/moto_server");
    int port = freePort();
    try {
      Process process = new ProcessBuilder(motoServer.toString(), "-H", "127.0.0.1", "-p", String.valueOf(port))
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
      MotoServer server = new MotoServer(process, port);
      server.awaitListening();
      return server;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + motoServer, e);
    }
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public StaticCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
  }

  /** Forgets every resource (moto's {@code POST /moto-api/reset}). */
  public void reset() {
    post("/moto-api/reset", "");
  }

  /**
   * From now on every request must be signed by an IAM user whose policies allow the action (moto's
   * {@code POST /moto-api/reset-auth}); {@link #stopEnforcingIam()} turns it off again.
   */
  public void enforceIam() {
    post("/moto-api/reset-auth", "0");
  }

  public void stopEnforcingIam() {
    post("/moto-api/reset-auth", "inf");
  }

  /** Sets moto's own configuration, e.g. {@code {"lambda":{"use_docker":false}}}. */
  public void configure(String json) {
    post("/moto-api/config", json);
  }

  private void post(String path, String body) {
    try {
      HttpResponse<String> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(endpoint().resolve(path)).POST(HttpRequest.BodyPublishers.ofString(body))
              .header("Content-Type", "application/json").build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() >= 300) {
        throw new IllegalStateException("moto " + path + " answered " + response.statusCode() + ": " + response.body());
      }
    } catch (IOException e) {
      throw new IllegalStateException("moto " + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void awaitListening() {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("moto_server exited with " + process.exitValue());
      }
      try (Socket ignored = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException notYet) {
        sleep();
      }
    }
    throw new IllegalStateException("moto_server did not listen on " + port + " within 60 s");
  }

  private static void sleep() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
