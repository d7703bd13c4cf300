package dev.gantry.activities.local;

import dev.gantry.workflows.api.Failures;
import dev.gantry.workflows.api.HealthCheck;
import dev.gantry.workflows.api.HealthCheckResult;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a health check: a shell command (exit 0 is healthy) or an HTTP GET (2xx is healthy). An unhealthy
 * answer is a retryable failure of type {@link Failures#UNHEALTHY}, so the activity's retry policy is the
 * check's attempts and interval.
 */
public class HealthChecker {
  private static final int MAX_DETAIL = 400;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public HealthCheckResult check(HealthCheck check, Path workingDir, Map<String, String> environment) {
    if (check == null || (isBlank(check.command()) == isBlank(check.url()))) {
      throw ApplicationFailure.newNonRetryableFailure(
          "healthCheck needs exactly one of 'command' or 'url'", Failures.INVALID_REQUEST);
    }
    return isBlank(check.command())
        ? checkUrl(check.url(), check.timeoutSecondsOrDefault())
        : runCommand(check.command(), check.timeoutSecondsOrDefault(), workingDir, environment);
  }

  private HealthCheckResult runCommand(
      String command, int timeoutSeconds, Path workingDir, Map<String, String> environment) {
    Path output = null;
    try {
      // Output goes to a file, not a pipe: a chatty check must not block on a full pipe and time out.
      output = Files.createTempFile("gantry-health-", ".log");
      ProcessBuilder builder = new ProcessBuilder("sh", "-c", command)
          .directory(workingDir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(output.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      builder.environment().putAll(environment);
      Process process = builder.start();
      boolean finished = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
      if (!finished) {
        // Kill the whole tree: `sh -c` forks the real check, which would outlive the shell as an orphan.
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
      String detail = trim(readHead(output));
      if (!finished) {
        throw ApplicationFailure.newFailure("health check timed out after " + timeoutSeconds + "s: "
            + detail, Failures.UNHEALTHY);
      }
      if (process.exitValue() != 0) {
        throw ApplicationFailure.newFailure("health check exited " + process.exitValue()
            + (detail.isEmpty() ? "" : ": " + detail), Failures.UNHEALTHY);
      }
      return new HealthCheckResult(true, detail.isEmpty() ? "health check passed" : detail);
    } catch (IOException e) {
      throw ApplicationFailure.newFailure("health check could not run: " + e.getMessage(),
          Failures.UNHEALTHY);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure("health check interrupted", Failures.UNHEALTHY);
    } finally {
      deleteQuietly(output);
    }
  }

  private static String readHead(Path file) throws IOException {
    try (var in = Files.newInputStream(file)) {
      return new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
    }
  }

  private static void deleteQuietly(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // a leftover temp file is harmless
      }
    }
  }

  private HealthCheckResult checkUrl(String url, int timeoutSeconds) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(timeoutSeconds))
        .GET()
        .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      String detail = "GET " + url + " -> " + response.statusCode();
      if (response.statusCode() / 100 != 2) {
        throw ApplicationFailure.newFailure(detail + ": " + trim(response.body()), Failures.UNHEALTHY);
      }
      return new HealthCheckResult(true, detail);
    } catch (IOException e) {
      throw ApplicationFailure.newFailure("GET " + url + " failed: " + e, Failures.UNHEALTHY);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure("health check interrupted", Failures.UNHEALTHY);
    }
  }

  private static String trim(String text) {
    String oneLine = text.strip().replaceAll("\\s*\\n\\s*", " | ");
    return oneLine.length() <= MAX_DETAIL ? oneLine : oneLine.substring(0, MAX_DETAIL) + "...";
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }
}
