package dev.gantry.activities.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpServer;
import dev.gantry.workflows.api.deploy.HealthCheck;
import dev.gantry.workflows.api.deploy.HealthCheckResult;
import dev.gantry.workflows.api.temporal.Failures;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attack that worked: a check's output (lines of /etc/shadow, the worker's environment) was shown in
 * {@code gantry release status}. A check now sees none of the worker's environment, and at most one short
 * printable line of what it prints is shown.
 */
class HealthCheckerTest {
  /** What a shell adds by itself; everything else the child sees must be ours. */
  private static final Set<String> SHELL_OWN = Set.of("PWD", "OLDPWD", "SHLVL", "_");

  @TempDir Path tmp;
  private final HealthChecker checker = new HealthChecker();

  @Test
  void aCommandSeesOnlyTheMinimalEnvironmentAndTheRegionsVariables() throws IOException {
    Map<String, String> region = new LinkedHashMap<>();
    region.put("GANTRY_REGION", "eu-west-1");
    region.put("GANTRY_VERSION", "1.4.0");
    region.put("AWS_SECRET_ACCESS_KEY", "passed-by-mistake"); // not a GANTRY_ variable: dropped

    checker.check(command("env > seen.env"), tmp, region);

    Map<String, String> seen = environmentIn(tmp.resolve("seen.env"));
    assertThat(seen).containsEntry("PATH", "/usr/bin:/bin").containsEntry("LANG", "C.UTF-8")
        .containsEntry("GANTRY_REGION", "eu-west-1").containsEntry("GANTRY_VERSION", "1.4.0")
        .doesNotContainKey("AWS_SECRET_ACCESS_KEY").doesNotContainKey("JAVA_HOME");
    assertThat(seen.get("HOME")).as("a private HOME, not the worker's").isNotEqualTo(System.getenv("HOME"))
        .isNotEqualTo(System.getProperty("user.home"));
    assertThat(seen.keySet()).allMatch(name -> name.startsWith("GANTRY_") || Set.of("PATH", "HOME", "LANG")
        .contains(name) || SHELL_OWN.contains(name));
    System.getenv().forEach((name, value) -> {
      if (!SHELL_OWN.contains(name) && !value.isEmpty() && !Set.of("PATH", "LANG").contains(name)) {
        assertThat(seen.get(name)).as("the worker's %s reached the check", name).isNotEqualTo(value);
      }
    });
  }

  @Test
  void theCommandsHomeIsAFreshFolderRemovedAfterwards() {
    HealthCheckResult result = checker.check(command("touch \"$HOME/left-behind\" && echo \"$HOME\""), tmp,
        Map.of());

    Path home = Path.of(result.detail());
    assertThat(home.getFileName().toString()).startsWith("gantry-health-home-");
    assertThat(home).doesNotExist();
  }

  @Test
  void stdinIsClosed() {
    HealthCheckResult result = checker.check(command("if read line; then echo got input; else echo no input; fi"),
        tmp, Map.of());

    assertThat(result.detail()).isEqualTo("no input");
  }

  @Test
  void aFailureShowsOneShortPrintableLineAndNothingBeforeIt() throws IOException {
    Path shadow = Files.writeString(tmp.resolve("shadow"),
        "root:$6$SECRETHASH:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n");
    String command = "cat '" + shadow + "'; printf 'disk \\033[31mfull\\033[0m %s\\n' \"$(printf 'x%.0s' $(seq 1 300))\";"
        + " exit 3";

    ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class,
        () -> checker.check(command(command), tmp, Map.of()));

    String message = failure.getOriginalMessage();
    assertThat(failure.getType()).isEqualTo(Failures.UNHEALTHY);
    assertThat(message).startsWith("health check exited 3: disk ?[31mfull?[0m xxx").doesNotContain("SECRETHASH")
        .doesNotContain("root:").doesNotContain("\n").doesNotContain("\u001b").endsWith("...");
    assertThat(message.length()).isLessThanOrEqualTo("health check exited 3: ".length()
        + HealthChecker.MAX_REASON_CHARS);
    assertThat(message.chars()).allMatch(c -> c >= 0x20 && c < 0x7f);
  }

  @Test
  void aCommandThatPrintsMegabytesIsCutToItsTail() {
    HealthCheckResult result = checker.check(
        command("i=0; while [ $i -lt 20000 ]; do echo \"line $i of noise, noise, noise\"; i=$((i+1)); done;"
            + " echo done"), tmp, Map.of());

    assertThat(result.detail()).isEqualTo("done");
  }

  @Test
  void anHttpFailureShowsTheFirstLineOfTheAnswerOnly() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/health", exchange -> {
      byte[] body = "maintenance\nAWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI\n".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(503, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    try {
      int port = server.getAddress().getPort();
      ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class, () -> checker.check(
          url("http://ops:hunter2@127.0.0.1:" + port + "/health?token=abc"), null, Map.of()));

      assertThat(failure.getOriginalMessage())
          .isEqualTo("GET http://127.0.0.1:" + port + "/health?... -> 503: maintenance");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void aUrlThatIsNotHttpIsRefusedForGood() {
    ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class,
        () -> checker.check(url("file:///etc/shadow"), null, Map.of()));

    assertThat(failure.getType()).isEqualTo(Failures.INVALID_REQUEST);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).doesNotContain("shadow");
  }

  private static Map<String, String> environmentIn(Path file) throws IOException {
    return Arrays.stream(Files.readString(file).split("\n")).filter(line -> line.contains("="))
        .collect(Collectors.toMap(line -> line.substring(0, line.indexOf('=')),
            line -> line.substring(line.indexOf('=') + 1), (a, b) -> b));
  }

  private static HealthCheck command(String command) {
    return new HealthCheck(command, null, 20, 1, 1);
  }

  private static HealthCheck url(String url) {
    return new HealthCheck(null, url, 5, 1, 1);
  }
}
