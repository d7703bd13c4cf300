package dev.gantry.activities.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * moto in server mode on a loopback port: one endpoint for every AWS service and region. Either started
 * by hand ({@link #start()}, closed by the test) or registered as a JUnit extension for a test class
 * ({@code @RegisterExtension static final MotoServer moto = MotoServer.perClass();}): started once before
 * the class, reset before every test, stopped after the class. Skips the test when
 * {@code scripts/test-tools.sh} has not installed moto.
 */
public final class MotoServer implements AutoCloseable, BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
  private Process process;
  private int port;

  private MotoServer() {}

  public static MotoServer start() {
    MotoServer server = new MotoServer();
    server.launch();
    return server;
  }

  /** A server for one test class, as a JUnit extension: every test starts from an empty moto. */
  public static MotoServer perClass() {
    return new MotoServer();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    launch();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    reset();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  private void launch() {
    Path motoServer = TestTools.require("moto/bin/moto_server");
    port = Peers.freePort();
    try {
      process = new ProcessBuilder(motoServer.toString(), "-H", "127.0.0.1", "-p", String.valueOf(port))
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
      awaitListening();
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
    Peers.await(process, Duration.ofSeconds(60), this::listening, "moto_server on port " + port, () -> "see its output");
  }

  private boolean listening() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port));
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }

  @Override
  public void close() {
    if (process == null) {
      return; // never started: moto is not installed and the class was skipped
    }
    process.destroy();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
