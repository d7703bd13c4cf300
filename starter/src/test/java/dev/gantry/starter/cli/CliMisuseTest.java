package dev.gantry.starter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The {@code gantry} CLI misused: unknown commands and flags, missing arguments and values, values of the
 * wrong kind: always exit 2 with a message that names what is wrong, never a stack trace. A Temporal
 * service that is down, or a port that accepts connections but never answers: exit 1 with a message that
 * says so, within the client's RPC timeout.
 */
class CliMisuseTest {
  @TempDir Path dir;

  record Run(int exitCode, String out, String err) {}

  static Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = GantryCli.newCommandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void misuseExitsTwoWithAMessageThatNamesTheMistake() throws IOException {
    Path notYaml = Files.writeString(dir.resolve("release.yaml"), "\u0000\u0001 not: [yaml");
    // {arguments..., a word the message must contain}
    List<String[]> cases = List.of(
        new String[] {"--bogus", "--bogus"},
        new String[] {"frobnicate", "frobnicate"},
        new String[] {"release", "frobnicate", "frobnicate"},
        new String[] {"release", "start", "spec"},
        new String[] {"release", "start", dir.resolve("missing.yaml").toString(), "missing.yaml"},
        new String[] {"release", "start", notYaml.toString(), "release.yaml"},
        new String[] {"release", "start", notYaml.toString(), "--bogus", "--bogus"},
        new String[] {"release", "approve", "release/a/1", "--as"},
        new String[] {"release", "approve", "--as", "alice", "release"},
        new String[] {"release", "status", "release/a/1", "--address", "--address"},
        new String[] {"release", "status", "release/a/1", "-o", "yaml", "yaml"},
        new String[] {"release", "watch", "release/a/1", "--timeout", "forever", "forever"},
        new String[] {"release", "list", "--limit", "many", "many"},
        new String[] {"release", "override", "release/a/1", "--as", "erin", "--gate"},
        new String[] {"release", "reject", "release/a/1", "--as", "bob", "--reason"},
        new String[] {"release", "rollback", "release/a/1", "--environment"},
        new String[] {"audit", "verify", "audit"},
        new String[] {"keys", "generate", "--key"},
        new String[] {"artifact", "verify", "artifact"});
    List<String> wrong = new ArrayList<>();
    for (String[] c : cases) {
      String[] args = java.util.Arrays.copyOf(c, c.length - 1);
      String expected = c[c.length - 1];
      Run run = cli(args);
      String all = run.out() + run.err();
      String what = String.join(" ", args);
      if (run.exitCode() != GantryCli.USAGE) {
        wrong.add(what + ": exit " + run.exitCode() + " (want 2): " + all.strip());
      } else if (!all.contains(expected)) {
        wrong.add(what + ": the message does not name '" + expected + "': " + all.strip());
      } else if (all.contains("\tat ") || all.contains("Exception:")) {
        wrong.add(what + ": a stack trace or raw exception: " + all.strip());
      }
    }
    assertThat(wrong).as("misuse that is not exit 2 with a clear message").isEmpty();
  }

  @Test
  void aServerThatIsDownOrSilentIsAClearErrorWithExitOne() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort(); // nothing listens here once closed
    }
    List<String[]> calls = List.of(
        new String[] {"release", "status", "release/a/1"},
        new String[] {"release", "approve", "release/a/1", "--as", "alice"});
    for (String[] call : calls) {
      Run down = cli(with(call, "--address", "127.0.0.1:" + closed));
      assertThat(down.exitCode()).as(String.join(" ", call) + ": " + down.err()).isEqualTo(GantryCli.FAILED);
      assertThat(down.err()).as(String.join(" ", call)).contains("cannot reach Temporal at 127.0.0.1:" + closed)
          .doesNotContain("\tat ");
    }

    // a port that accepts TCP and never says a word (a hung proxy, a firewall that black-holes)
    try (ServerSocket silent = new ServerSocket(0)) {
      Thread acceptor = new Thread(() -> {
        List<Socket> held = new ArrayList<>();
        try {
          while (true) {
            held.add(silent.accept());
          }
        } catch (IOException closedNow) {
          held.forEach(s -> {
            try {
              s.close();
            } catch (IOException ignored) {
              // closing
            }
          });
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      long began = System.nanoTime();
      Run hung = cli("release", "status", "release/a/1", "--address", "127.0.0.1:" + silent.getLocalPort());
      double seconds = (System.nanoTime() - began) / 1e9;
      assertThat(hung.exitCode()).as(hung.err()).isEqualTo(GantryCli.FAILED);
      assertThat(hung.err()).contains("127.0.0.1:" + silent.getLocalPort()).doesNotContain("\tat ");
      assertThat(seconds).as("gives up within the RPC timeout, not forever").isLessThan(60);
      System.out.printf("[cli] silent server: exit %d after %.1f s: %s%n", hung.exitCode(), seconds, hung.err().strip());
    }
  }

  private static String[] with(String[] call, String... more) {
    String[] all = java.util.Arrays.copyOf(call, call.length + more.length);
    System.arraycopy(more, 0, all, call.length, more.length);
    return all;
  }
}
