package dev.gantry.activities.local;

import dev.gantry.activities.support.HttpClients;
import dev.gantry.activities.support.OwnedFolders;
import dev.gantry.workflows.api.deploy.HealthCheck;
import dev.gantry.workflows.api.deploy.HealthCheckResult;
import dev.gantry.workflows.api.temporal.Failures;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Runs a health check: a shell command (exit 0 is healthy) or an HTTP GET (2xx is healthy). An unhealthy
 * answer is a retryable failure of type {@link Failures#UNHEALTHY}, so the activity's retry policy is the
 * check's attempts and interval.
 *
 * <p>A check is confined, because what it prints ends up in the release's status for anyone who may read
 * it: the command gets a minimal environment ({@link #baseEnvironment}) plus the {@code GANTRY_*}
 * variables of the region, never the worker's own (which holds its credentials); its stdin is
 * {@code /dev/null}; its {@code HOME} is a fresh private folder deleted afterwards. Of its output only the
 * last {@link #LOG_TAIL_BYTES} bytes reach the worker's log, and one line of it (the last, printable ASCII,
 * at most {@link #MAX_REASON_CHARS} characters) the result or the failure. An HTTP answer's body is
 * treated the same way (its first line).
 */
public class HealthChecker {
  private static final Logger log = LoggerFactory.getLogger(HealthChecker.class);
  /** How much of a check's output the worker's log keeps: the end, where the reason usually is. */
  public static final int LOG_TAIL_BYTES = 2048;
  /** The longest line of output shown in a result or failure (and so in {@code gantry release status}). */
  public static final int MAX_REASON_CHARS = 200;
  /** The only variables a check receives from the region; anything else a caller passes is dropped. */
  private static final Pattern GANTRY_VARIABLE = Pattern.compile("GANTRY_[A-Z0-9_]{1,40}");
  private final HttpClient http = HttpClients.create(Duration.ofSeconds(5), HttpClient.Redirect.NEVER);

  /**
   * @param workingDir  where the command runs; null runs it in its private {@code HOME}
   * @param environment the {@code GANTRY_*} variables of the region; other names are ignored
   */
  public HealthCheckResult check(HealthCheck check, Path workingDir, Map<String, String> environment) {
    if (check == null || (isBlank(check.command()) == isBlank(check.url()))) {
      throw ApplicationFailure.newNonRetryableFailure(
          "healthCheck needs exactly one of 'command' or 'url'", Failures.INVALID_REQUEST);
    }
    return isBlank(check.command())
        ? checkUrl(check.url(), check.timeoutSecondsOrDefault())
        : runCommand(check.command(), check.timeoutSecondsOrDefault(), workingDir, environment);
  }

  /**
   * Everything a check command's environment holds besides the region's {@code GANTRY_*} variables:
   * {@code PATH=/usr/bin:/bin}, {@code HOME} (a fresh private folder), {@code LANG=C.UTF-8}.
   */
  static Map<String, String> baseEnvironment(Path home) {
    return Map.of("PATH", "/usr/bin:/bin", "HOME", home.toString(), "LANG", "C.UTF-8");
  }

  private HealthCheckResult runCommand(
      String command, int timeoutSeconds, Path workingDir, Map<String, String> environment) {
    Path home = null;
    Path output = null;
    Process process = null;
    try {
      home = Files.createTempDirectory("gantry-health-home-", privateFolder());
      // Output goes to a file, not a pipe: a chatty check must not block on a full pipe and time out.
      // The file is outside HOME, so the command cannot swap it for a link to something else.
      output = Files.createTempFile("gantry-health-", ".log", privateFile());
      process = start(command, workingDir == null ? home : workingDir, home, output, environment);
      boolean finished = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
      if (!finished) {
        killTree(process);
      }
      String tail = readTail(output);
      String line = lastLine(tail);
      boolean healthy = finished && process.exitValue() == 0;
      logOutput(environment, finished ? "exited " + process.exitValue() : "timed out", tail, healthy);
      if (!finished) {
        throw ApplicationFailure.newFailure("health check timed out after " + timeoutSeconds + "s"
            + (line.isEmpty() ? "" : ": " + line), Failures.UNHEALTHY);
      }
      if (process.exitValue() != 0) {
        throw ApplicationFailure.newFailure("health check exited " + process.exitValue()
            + (line.isEmpty() ? "" : ": " + line), Failures.UNHEALTHY);
      }
      return new HealthCheckResult(true, line.isEmpty() ? "health check passed" : line);
    } catch (IOException e) {
      throw ApplicationFailure.newFailure("health check could not run: " + oneLine(String.valueOf(e.getMessage())),
          Failures.UNHEALTHY);
    } catch (InterruptedException e) {
      // cancelled (Heartbeats interrupts the check): the command and its children stop with it
      if (process != null) {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
      }
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure("health check interrupted", Failures.UNHEALTHY);
    } finally {
      deleteQuietly(output);
      deleteTreeQuietly(home);
    }
  }

  private static Process start(String command, Path workingDir, Path home, Path output,
      Map<String, String> environment) throws IOException {
    // /bin/sh by its path: the shell is not looked up in anyone's PATH.
    ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", command)
        .directory(workingDir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(output.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    Map<String, String> childEnvironment = builder.environment();
    // ProcessBuilder starts from a copy of the worker's environment: its tokens and keys must not reach
    // a command whose output is shown to whoever can read the release.
    childEnvironment.clear();
    childEnvironment.putAll(baseEnvironment(home));
    childEnvironment.putAll(gantryVariables(environment));
    return builder.start();
  }

  private static Map<String, String> gantryVariables(Map<String, String> environment) {
    Map<String, String> variables = new TreeMap<>();
    if (environment != null) {
      environment.forEach((name, value) -> {
        if (name != null && value != null && GANTRY_VARIABLE.matcher(name).matches()) {
          variables.put(name, value);
        }
      });
    }
    return variables;
  }

  /**
   * Kills the whole tree: {@code sh -c} forks the real check, which would outlive the shell as an orphan.
   * The shell goes first (its children are listed before, or they would be orphans no longer listed), so
   * it cannot report their deaths ("Killed") as the check's last line.
   */
  private static void killTree(Process process) throws InterruptedException {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroyForcibly();
    children.forEach(ProcessHandle::destroyForcibly);
    process.waitFor(5, TimeUnit.SECONDS);
  }

  /** The last {@link #LOG_TAIL_BYTES} bytes of the output, however much the check printed. */
  private static String readTail(Path file) throws IOException {
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long length = in.length();
      long start = Math.max(0, length - LOG_TAIL_BYTES);
      byte[] tail = new byte[(int) (length - start)];
      in.seek(start);
      in.readFully(tail);
      return new String(tail, StandardCharsets.UTF_8);
    }
  }

  /** The tail goes to the worker's log only: at info for a failed check, at debug for a passing one. */
  private static void logOutput(Map<String, String> environment, String outcome, String tail, boolean healthy) {
    Map<String, String> region = gantryVariables(environment);
    // A passing check runs every few seconds while a region is watched: its output is noise unless asked for.
    log.atLevel(healthy ? Level.DEBUG : Level.INFO).log(
        "health check {} app={} version={} env={} region={}; last {} bytes of output:\n{}", outcome,
        region.get("GANTRY_APPLICATION"), region.get("GANTRY_VERSION"), region.get("GANTRY_ENVIRONMENT"),
        region.get("GANTRY_REGION"), LOG_TAIL_BYTES, forLog(tail));
  }

  /** Control characters other than newline and tab replaced: output cannot forge log lines or colours. */
  private static String forLog(String text) {
    return text.replaceAll("[\\p{Cntrl}&&[^\n\t]]", "?");
  }

  /** The last line that says something, made safe to show. */
  static String lastLine(String text) {
    List<String> lines = Arrays.stream(text.split("\\R")).filter(line -> !line.isBlank()).toList();
    return lines.isEmpty() ? "" : oneLine(lines.get(lines.size() - 1));
  }

  /** The first line that says something, made safe to show. */
  static String firstLine(String text) {
    return Arrays.stream(text.split("\\R")).filter(line -> !line.isBlank()).findFirst()
        .map(HealthChecker::oneLine).orElse("");
  }

  /**
   * Printable ASCII only (anything else becomes '?', so no escape sequences or forged lines), trimmed, at
   * most {@link #MAX_REASON_CHARS} characters.
   */
  static String oneLine(String line) {
    StringBuilder safe = new StringBuilder();
    for (char c : line.strip().toCharArray()) {
      safe.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return safe.length() <= MAX_REASON_CHARS ? safe.toString()
        : safe.substring(0, MAX_REASON_CHARS - 3) + "...";
  }

  private HealthCheckResult checkUrl(String url, int timeoutSeconds) {
    URI uri = httpUri(url);
    String shown = "GET " + withoutSecrets(uri);
    HttpRequest request = HttpRequest.newBuilder(uri)
        .timeout(Duration.ofSeconds(timeoutSeconds))
        .GET()
        .build();
    try {
      HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      String detail = shown + " -> " + response.statusCode();
      String body = readHead(response.body());
      if (response.statusCode() / 100 != 2) {
        String line = firstLine(body);
        log.info("health check {}; first {} bytes of the answer:\n{}", detail, LOG_TAIL_BYTES,
            forLog(body));
        throw ApplicationFailure.newFailure(detail + (line.isEmpty() ? "" : ": " + line), Failures.UNHEALTHY);
      }
      return new HealthCheckResult(true, detail);
    } catch (IOException e) {
      throw ApplicationFailure.newFailure(shown + " failed: " + oneLine(e.toString()), Failures.UNHEALTHY);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure("health check interrupted", Failures.UNHEALTHY);
    }
  }

  /** Reads at most {@link #LOG_TAIL_BYTES} of an answer and drops the rest: a huge body is not ours to hold. */
  private static String readHead(InputStream body) throws IOException {
    try (body) {
      return new String(body.readNBytes(LOG_TAIL_BYTES), StandardCharsets.UTF_8);
    }
  }

  private static URI httpUri(String url) {
    URI uri;
    try {
      uri = URI.create(url.strip());
    } catch (IllegalArgumentException e) {
      throw notHttp();
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    if ((!scheme.equals("http") && !scheme.equals("https")) || uri.getHost() == null) {
      throw notHttp();
    }
    return uri;
  }

  private static ApplicationFailure notHttp() {
    return ApplicationFailure.newNonRetryableFailure("healthCheck.url is not an http(s) URL with a host",
        Failures.INVALID_REQUEST);
  }

  /** The URL as shown: no user:password, no query (either may carry a token). */
  private static String withoutSecrets(URI uri) {
    return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
        + (uri.getRawPath() == null ? "" : oneLine(uri.getRawPath())) + (uri.getRawQuery() == null ? "" : "?...");
  }

  private static java.nio.file.attribute.FileAttribute<?> privateFolder() {
    return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
  }

  private static java.nio.file.attribute.FileAttribute<?> privateFile() {
    return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
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

  private static void deleteTreeQuietly(Path dir) {
    if (dir != null) {
      try {
        OwnedFolders.deleteTree(dir);
      } catch (IOException e) {
        log.warn("could not remove the health check's temporary HOME {}: {}", dir, e.toString());
      }
    }
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }
}
