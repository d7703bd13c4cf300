package dev.gantry.starter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.activities.audit.SignatureAuditLog;
import dev.gantry.activities.local.Digests;
import dev.gantry.activities.signing.SigningActivitiesImpl;
import dev.gantry.workflows.api.artifact.ArtifactRef;
import dev.gantry.workflows.api.signing.KeylessIdentity;
import dev.gantry.workflows.api.signing.KeylessPolicy;
import dev.gantry.workflows.api.signing.SignatureRef;
import dev.gantry.workflows.api.signing.SigningActivities;
import dev.gantry.workflows.api.signing.VerificationPolicy;
import dev.gantry.workflows.api.signing.VerificationResult;
import dev.gantry.workflows.api.signing.VerifyRequest;
import dev.gantry.workflows.api.temporal.Failures;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * The sigstore-conformance suite's bundle-verify cases (test resources {@code sigstore-conformance/}, Apache-2.0,
 * see its NOTICE), each run through the product's two paths: {@code gantry artifact verify} (picocli, in
 * process) and the release's signature gate ({@link SigningActivitiesImpl#verify}, in Temporal's activity test
 * environment). A case is right when both paths give the suite's verdict: a {@code _fail} case refused, any
 * other verified.
 *
 * <p>Cases that are still wrong are listed in {@link #KNOWN_WRONG}, with the reason. The test fails if a listed
 * case becomes right (take it off the list) or an unlisted one is wrong, so the list cannot rot. The score is
 * printed at the end ({@code conformance: N/60 right}) and written to {@code starter/target/sigstore-conformance.txt}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SigstoreConformanceTest {
  /** The cases this build gets wrong, and why. Empty: all are right. */
  static final Map<String, String> KNOWN_WRONG = Map.of();

  /**
   * Refused, as the suite requires, but for another reason than the one the case is about. They count as
   * right; the refusal must still name that other reason ({@link #REFUSAL_SAYS}), so the day the case is
   * refused for its own reason the test fails until the entry is removed.
   */
  static final Map<String, String> REFUSED_FOR_ANOTHER_REASON = Map.of(
      "intoto-log-entry-mismatch_fail", "sigstore-java 2.0.0 reads no Rekor 'intoto' 0.0.2 entry at all (it expects"
          + " dsse 0.0.2), so the mismatch itself is never reached",
      "intoto-tsa-timestamp-outside-cert-validity_fail", "same: its Rekor entry is 'intoto' 0.0.2, which sigstore-java"
          + " 2.0.0 cannot read; the timestamp check is never reached",
      "rekor2-timestamp-with-incorrect-time_fail", "its timestamp is base64 with line breaks, which protobuf's JSON"
          + " reader (and so Gantry) refuses as malformed before the time is checked");
  /** What the refusal of each case of {@link #REFUSED_FOR_ANOTHER_REASON} says today. */
  static final Map<String, String> REFUSAL_SAYS = Map.of(
      "intoto-log-entry-mismatch_fail", "but found intoto:0.0.2",
      "intoto-tsa-timestamp-outside-cert-validity_fail", "but found intoto:0.0.2",
      "rekor2-timestamp-with-incorrect-time_fail", "MALFORMED: the bundle is not a valid Sigstore bundle");

  static final String DEFAULT_IDENTITY = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon"
      + "/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
  static final String DEFAULT_ISSUER = "https://token.actions.githubusercontent.com";
  static final int SUITE_SIZE = 60;

  @TempDir static Path tmp;
  private TestActivityEnvironment temporal;
  private SigningActivities gate;
  private final Map<String, String> wrong = new TreeMap<>();
  private final List<String> ran = new ArrayList<>();

  @BeforeAll
  void startTheGate() throws IOException {
    temporal = TestActivityEnvironment.newInstance();
    temporal.registerActivitiesImplementations(new SigningActivitiesImpl(Files.createDirectories(tmp.resolve("store")),
        new SignatureAuditLog(tmp.resolve("gate-audit.jsonl")), name -> null, region -> {
          throw new IllegalStateException("no KMS in the conformance suite");
        }, Clock.systemUTC()));
    gate = temporal.newActivityStub(SigningActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofSeconds(60))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build());
  }

  @AfterAll
  void printTheScore() {
    if (temporal != null) {
      temporal.close();
    }
    StringBuilder report = new StringBuilder("conformance: " + (ran.size() - wrong.size()) + "/" + ran.size()
        + " right");
    wrong.forEach((name, why) -> report.append("\n  wrong: ").append(name).append(" (").append(why).append(')'));
    REFUSED_FOR_ANOTHER_REASON.forEach((name, why) -> report.append("\n  refused for another reason: ").append(name)
        .append(" (").append(why).append(')'));
    System.out.println(report);
    // surefire keeps test output in a file per class: the score also goes where CI can show it at once
    try {
      Files.writeString(Path.of("target", "sigstore-conformance.txt"), report + "\n");
    } catch (IOException e) {
      System.out.println("(could not write target/sigstore-conformance.txt: " + e.getMessage() + ")");
    }
  }

  static Path suite() {
    try {
      return Path.of(SigstoreConformanceTest.class.getResource("/sigstore-conformance").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Stream<String> cases() throws IOException {
    try (Stream<Path> folders = Files.list(suite().resolve("bundle-verify"))) {
      return folders.filter(Files::isDirectory).map(path -> path.getFileName().toString()).sorted().toList().stream();
    }
  }

  @Test
  void theWholeSuiteIsHereAndTheListsNameOnlyItsCases() throws IOException {
    List<String> names = cases().toList();
    assertThat(names).hasSize(SUITE_SIZE);
    assertThat(names).containsAll(KNOWN_WRONG.keySet()).containsAll(REFUSED_FOR_ANOTHER_REASON.keySet());
    assertThat(REFUSAL_SAYS.keySet()).isEqualTo(REFUSED_FOR_ANOTHER_REASON.keySet());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void eachCaseGetsTheSuitesVerdictFromTheCliAndTheGate(String name) throws IOException {
    Path folder = suite().resolve("bundle-verify").resolve(name);
    Case c = Case.of(folder, tmp.resolve(name));
    boolean shouldVerify = !name.endsWith("_fail");

    Verdict cli = viaCli(c);
    Verdict release = viaGate(c);
    List<String> problems = new ArrayList<>();
    if (cli.verified() != shouldVerify) {
      problems.add("artifact verify " + (cli.verified() ? "verified" : "refused: " + cli.detail()));
    }
    if (release.verified() != shouldVerify) {
      problems.add("gate " + (release.verified() ? "verified" : "refused: " + release.detail()));
    }
    ran.add(name);
    System.out.println(name + "\n  artifact verify: " + cli + "\n  gate: " + release);
    if (!problems.isEmpty()) {
      wrong.put(name, String.join("; ", problems));
    }
    if (KNOWN_WRONG.containsKey(name)) {
      assertThat(problems).as(name + " is listed in KNOWN_WRONG (" + KNOWN_WRONG.get(name) + ") but is now right:"
          + " take it off the list").isNotEmpty();
    } else {
      assertThat(problems).as(name + (shouldVerify ? " must verify" : " must be refused")).isEmpty();
    }
    if (REFUSED_FOR_ANOTHER_REASON.containsKey(name)) {
      assertThat(List.of(cli.detail(), release.detail())).as(name + " is listed as refused for another reason ("
          + REFUSED_FOR_ANOTHER_REASON.get(name) + "); if it is now refused for its own, take it off the list")
          .allSatisfy(detail -> assertThat(detail).contains(REFUSAL_SAYS.get(name)));
    }
    // Refusals name what failed and never dump the bundle: one bounded line, no certificate or key material.
    for (Verdict verdict : List.of(cli, release)) {
      if (!verdict.verified()) {
        assertThat(verdict.detail()).doesNotContain("BEGIN CERTIFICATE", "MII", "\n").hasSizeLessThan(700);
      }
    }
  }

  private Verdict viaCli(Case c) throws IOException {
    List<String> args = new ArrayList<>(List.of("artifact", "verify", c.artifact().toString(),
        "--bundle", c.bundle().toString(), "--trusted-root", c.trustedRoot().toString(),
        "--certificate-identity", c.identity(), "--certificate-oidc-issuer", c.issuer(),
        "--audit-log", c.work().resolve("cli-audit.jsonl").toString(), "-o", "json"));
    if (c.trustedKeys() != null) {
      args.addAll(List.of("--trusted-keys", c.trustedKeys().toString()));
    }
    StringWriter out = new StringWriter();
    int exit = run(out, args.toArray(String[]::new));
    if (exit != GantryCli.OK && exit != GantryCli.FAILED) {
      return new Verdict(false, "exit " + exit + " (no verdict): " + out);
    }
    JsonNode json = new ObjectMapper().readTree(out.toString());
    return new Verdict(exit == GantryCli.OK && json.path("verified").asBoolean(),
        json.path("reason").asText("") + ": " + json.path("detail").asText(""));
  }

  private Verdict viaGate(Case c) {
    VerificationPolicy policy = new VerificationPolicy(true,
        c.trustedKeys() == null ? null : c.trustedKeys().toString(), List.of(), null,
        new KeylessPolicy(c.trustedRoot().toString(), List.of(new KeylessIdentity(c.identity(), null, c.issuer(), null))));
    ArtifactRef artifact = ArtifactRef.file(c.artifact().toString(), Digests.sha256(c.artifact()));
    VerifyRequest request = new VerifyRequest("release/conformance/1.0.0", "run", artifact,
        List.of(new SignatureRef(SignatureRef.SIGNATURE, null, null, c.bundle().toString(), artifact.digest())),
        policy, "production", null);
    try {
      VerificationResult result = gate.verify(request);
      return new Verdict(true, result.detail());
    } catch (ActivityFailure failure) {
      if (failure.getCause() instanceof ApplicationFailure refused
          && Failures.SIGNATURE_REJECTED.equals(refused.getType())) {
        return new Verdict(false, refused.getOriginalMessage());
      }
      return new Verdict(false, "no verdict: " + failure.getCause());
    }
  }

  private static int run(StringWriter out, String... args) {
    CommandLine cli = GantryCli.newCommandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(out, true));
    return cli.execute(args);
  }

  record Verdict(boolean verified, String detail) {}

  /** One case as the suite reads it: its own files, or the suite's defaults. */
  record Case(Path work, Path artifact, Path bundle, Path trustedRoot, Path trustedKeys, String identity,
      String issuer) {

    static Case of(Path folder, Path work) throws IOException {
      Files.createDirectories(work);
      Path suite = folder.getParent();
      Path artifact = Files.exists(folder.resolve("artifact")) ? folder.resolve("artifact") : suite.resolve("a.txt");
      Path root = Files.exists(folder.resolve("trusted_root.json")) ? folder.resolve("trusted_root.json")
          : suite.getParent().resolve("trusted_root.public-good.json");
      Path trustedKeys = null;
      if (Files.exists(folder.resolve("key.pub"))) {
        // a managed key: the operator imports it into the trusted keys, as for any key
        trustedKeys = work.resolve("trusted-keys.yaml");
        StringWriter out = new StringWriter();
        int exit = run(out, "keys", "import", "--trusted-keys", trustedKeys.toString(), "--public-key",
            folder.resolve("key.pub").toString(), "--name", "managed", "--not-before", "2020-01-01T00:00:00Z",
            "--audit-log", work.resolve("keys-audit.jsonl").toString());
        assertThat(exit).as("keys import: " + out).isZero();
      }
      return new Case(work, artifact, folder.resolve("bundle.sigstore.json"), root, trustedKeys,
          read(folder.resolve("identity"), DEFAULT_IDENTITY), read(folder.resolve("issuer"), DEFAULT_ISSUER));
    }

    private static String read(Path file, String otherwise) throws IOException {
      return Files.exists(file) ? Files.readString(file).strip() : otherwise;
    }
  }
}
