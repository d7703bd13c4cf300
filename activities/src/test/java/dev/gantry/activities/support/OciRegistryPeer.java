package dev.gantry.activities.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * go-containerregistry's {@code registry} (in memory, plain HTTP) on a free loopback port, started by the
 * test and stopped with it. Its log has one line per request ({@code 2026/01/01 12:00:00 PUT /v2/...}),
 * which tests read to see what was, or was not, pushed. Skips the test when the tool is not installed.
 */
public final class OciRegistryPeer implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Path log;

  private OciRegistryPeer(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  public static OciRegistryPeer start() {
    Path registry = TestTools.require("bin/registry");
    int port = Peers.freePort();
    try {
      Path log = Files.createTempFile("oci-registry-", ".log");
      Process process = new ProcessBuilder(registry.toString(), "-port", String.valueOf(port))
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .start();
      OciRegistryPeer peer = new OciRegistryPeer(process, port, log);
      peer.awaitReady();
      return peer;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + registry, e);
    }
  }

  /** {@code http://127.0.0.1:<port>}, for the client. */
  public URI url() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** {@code 127.0.0.1:<port>}, the registry part of an image reference. */
  public String host() {
    return "127.0.0.1:" + port;
  }

  /** The requests served so far, e.g. {@code PUT /v2/app/manifests/v1}, in order. */
  public List<String> requests() {
    try {
      return Files.readAllLines(log).stream()
          .map(line -> line.replaceFirst("^\\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d ", ""))
          .filter(line -> line.matches("(GET|HEAD|PUT|POST|PATCH|DELETE) .*"))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitReady() {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    Peers.await(process, Duration.ofSeconds(30), () -> answers(http), "registry on port " + port, this::logText);
  }

  private boolean answers(HttpClient http) {
    try {
      return http.send(HttpRequest.newBuilder(url().resolve("/v2/")).build(), HttpResponse.BodyHandlers.discarding())
          .statusCode() == 200;
    } catch (IOException notYet) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private String logText() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      process.waitFor();
      Files.deleteIfExists(log);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException ignored) {
      // a temp file left behind
    }
  }
}
