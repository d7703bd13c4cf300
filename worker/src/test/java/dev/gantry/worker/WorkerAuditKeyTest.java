package dev.gantry.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** A worker without its audit key does not start (fail closed): nothing would anchor its audit trail. */
class WorkerAuditKeyTest {
  @TempDir Path dir;

  @Test
  void aWorkerWithoutItsAuditKeyDoesNotStartAndSaysWhy() throws Exception {
    TestPolicy policy = TestPolicy.in(dir).application("hello-service", "dev").environment("dev", """
        regions: [{name: us-east-1}]
        target: {type: local, root: ../targets}
        healthCheck: {command: "true"}
        verification: {required: false}
        """);
    policy.write();

    Throwable unset = catchThrowable(() -> start(policy));
    Throwable missing = catchThrowable(() -> start(policy, "--gantry.audit.key=" + dir.resolve("nope.key")));

    assertThat(rootMessage(unset)).contains("gantry.audit.key is not set");
    assertThat(rootMessage(missing)).contains("the worker's audit key " + dir.resolve("nope.key") + " does not exist")
        .contains("gantry keys generate --key");
    assertThat(dir.resolve("nope.key")).doesNotExist();
  }

  private static void start(TestPolicy policy, String... more) {
    String[] args = new String[3 + more.length];
    args[0] = "--spring.temporal.connection.target=127.0.0.1:1";
    args[1] = "--server.port=0";
    args[2] = "--gantry.policy.path=" + policy.dir().toAbsolutePath();
    System.arraycopy(more, 0, args, 3, more.length);
    new SpringApplicationBuilder(GantryWorkerApplication.class).run(args).close();
  }

  private static String rootMessage(Throwable failure) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      all.append(t.getMessage()).append(" | ");
    }
    return all.toString();
  }
}
