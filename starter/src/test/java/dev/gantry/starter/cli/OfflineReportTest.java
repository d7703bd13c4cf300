package dev.gantry.starter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.activities.audit.HashChainedLog;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code gantry release report --offline} over the three files of a real release: the example release run on
 * the real Temporal dev server by the worker ({@code OfflineReportEndToEndTest} made them: production's window
 * overridden by erin for INC-4711, alice approving by update, bob by an {@code approve} signal sent with the
 * {@code temporal} CLI; seven regions, each verifying the signature before its deploy), its history exported by
 * {@code temporal workflow show --output json}. Each tampering is one an auditor must catch.
 */
class OfflineReportTest {
  static final String ID = "release/hello-service/1.4.0";
  /** An instant as Temporal and the worker write them. */
  static final String TIME = "20\\d\\d-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z";
  private final ObjectMapper json = new ObjectMapper();
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @TempDir Path dir;
  private Path history;
  private Path trail;
  private Path signatures;
  /** The recorded release's artifact and signing key (the resources can be recorded again: see above). */
  private String digest;
  private String keyId;

  @BeforeEach
  void copyTheRecordedRelease() throws Exception {
    history = copy("history.json");
    trail = copy("audit.jsonl");
    signatures = copy("signatures.jsonl");
    digest = json.readTree(Files.readAllLines(trail).get(0)).get("artifactDigest").asText();
    keyId = json.readTree(Files.readAllLines(signatures).get(0)).get("keyId").asText();
  }

  @Test
  void theThreeFilesOfOneReleaseAgreeAndTheReportSaysWhatHappened() throws Exception {
    assertThat(report("-o", "json")).as(err.toString()).isEqualTo(GantryCli.OK);
    JsonNode report = json.readTree(out.toString());
    assertThat(report.get("consistent").asBoolean()).isTrue();
    assertThat(report.get("disagreements")).isEmpty();
    assertThat(report.get("releaseId").asText()).isEqualTo(ID);
    assertThat(report.get("artifactDigest").asText()).isEqualTo(digest);
    assertThat(report.get("requestedBy").asText()).isEqualTo("dana");
    assertThat(report.at("/signer/keyId").asText()).isEqualTo(keyId);
    assertThat(report.at("/signer/trustedKey").asText()).startsWith("demo");
    assertThat(report.at("/attestations/0/predicateType").asText()).isEqualTo("https://slsa.dev/provenance/v1");
    assertThat(report.at("/outcome/history").asText()).isEqualTo("COMPLETED");
    assertThat(report.at("/outcome/state").asText()).isEqualTo("SUCCEEDED");
    assertThat(report.at("/outcome/trail").asText()).isEqualTo("succeeded");

    assertThat(report.get("gates").toString()).contains("\"gate\":\"quality\",\"outcome\":\"passed\"",
        "coverage.lines.pct 86.4 >= 80", "\"gate\":\"window\",\"outcome\":\"overridden\"");
    JsonNode approvals = report.get("approvals");
    assertThat(approvals).hasSize(2);
    assertThat(approvals.get(0).get("approver").asText()).isEqualTo("alice");
    assertThat(approvals.get(0).get("via").asText()).isEqualTo("update");
    assertThat(approvals.get(0).get("at").asText()).matches(TIME);
    assertThat(approvals.get(0).get("environment").asText()).isEqualTo("production");
    assertThat(approvals.get(0).get("accepted").asBoolean()).isTrue();
    assertThat(approvals.get(1).get("approver").asText()).isEqualTo("bob");
    assertThat(approvals.get(1).get("via").asText()).isEqualTo("signal");
    assertThat(approvals.get(1).get("clientIdentity").asText()).startsWith("temporal-cli:");
    assertThat(approvals.get(1).get("comment").asText()).isEqualTo("ship it");
    assertThat(approvals.get(1).get("recordedInTrailAt").asText()).matches(TIME);
    JsonNode override = report.at("/overrides/0");
    assertThat(override.get("approver").asText()).isEqualTo("erin");
    assertThat(override.get("gate").asText()).isEqualTo("window");
    assertThat(override.get("incident").asText()).isEqualTo("INC-4711");
    assertThat(override.get("justification").asText()).isEqualTo("customer-facing outage fix");
    JsonNode regions = report.get("regions");
    assertThat(regions).hasSize(7);
    for (JsonNode region : regions) {
      assertThat(region.get("verification").asText()).as(region.toString()).isEqualTo("pass");
      assertThat(region.get("deploy").asText()).startsWith("deployed 1.4.0: hello-service 1.4.0 ok in ");
      assertThat(region.get("state").asText()).isEqualTo("DEPLOYED");
    }
    assertThat(report.at("/chains/auditTrail/intact").asBoolean()).isTrue();
    assertThat(report.at("/chains/signatureLog/intact").asBoolean()).isTrue();

    out.getBuffer().setLength(0);
    assertThat(report()).isEqualTo(GantryCli.OK);
    assertThat(out.toString()).contains(ID + "  SUCCEEDED", "artifact     " + digest)
        .containsPattern("production   alice      accepted  " + TIME + " by update")
        .containsPattern("production   bob        accepted  " + TIME + " by signal")
        .contains("erin", "INC-4711: customer-facing outage fix", "production/eu-west-1",
        "consistent: the history, the audit trail and the signature log agree");
  }

  @Test
  void aHistoryWhoseDigestWasChangedDisagreesWithTheTrailAndTheSignatureLog() throws Exception {
    String forged = "sha256:" + "e".repeat(64);
    rewritePayloads(history, text -> text.replace(digest, forged));

    assertThat(report()).isEqualTo(GantryCli.FAILED);
    assertThat(out.toString()).contains("DISAGREEMENTS")
        .contains("artifact digest: the history says '" + forged + "', the audit trail's lines of this run say '"
            + digest + "'")
        .contains("the signature log's lines of this release say '" + digest + "'");
  }

  @Test
  void anApproverForgedIntoTheHistorysReportCameInNoMessage() throws Exception {
    // the result keeps "approver":"bob" compact; the signal as the temporal CLI sent it has a space
    rewritePayloads(history, text -> text.replace("\"approver\":\"bob\"", "\"approver\":\"mallory\""));

    assertThat(report()).isEqualTo(GantryCli.FAILED);
    assertThat(out.toString()).contains("approval by 'mallory' in 'production': in the history's report, but no"
        + " approve signal or update of the history carries it");
  }

  @Test
  void aGatesValueChangedInTheHistoryDisagreesWithTheTrail() throws Exception {
    rewritePayloads(history, text -> text.replace("coverage.lines.pct 86.4", "coverage.lines.pct 96.4"));

    assertThat(report()).isEqualTo(GantryCli.FAILED);
    assertThat(out.toString()).contains("gate 'staging quality passed': the history's report says"
        + " 'coverage.lines.pct 96.4 >= 80,").contains("the audit trail says 'coverage.lines.pct 86.4 >= 80,");
  }

  @Test
  void anApprovalLineRemovedFromTheTrailIsFoundTwice() throws Exception {
    List<String> lines = new ArrayList<>(Files.readAllLines(trail));
    int bob = 0;
    while (!(lines.get(bob).contains("\"kind\":\"approval\"") && lines.get(bob).contains("\"actor\":\"bob\""))) {
      bob++;
    }
    lines.remove(bob);
    Files.write(trail, lines);

    assertThat(report()).isEqualTo(GantryCli.FAILED);
    assertThat(out.toString()).contains("CHAIN BROKEN")
        .contains("audit trail: line " + (bob + 1) + ": prevHash does not match the line before")
        .containsPattern("approval by 'bob' in 'production': in the history \\(signal at " + TIME
            + ", event \\d+\\), not in the audit trail");
  }

  @Test
  void anApprovalLineRemovedAndTheTrailRechainedIsStillFound() throws Exception {
    rechain(trail, line -> !("approval".equals(line.path("kind").asText()) && "bob".equals(line.path("actor").asText())),
        UnaryOperator.identity());

    assertThat(report()).isEqualTo(GantryCli.FAILED);
    assertThat(out.toString()).contains("audit trail   chain intact")
        .contains("approval by 'bob' in 'production': in the history");
  }

  @Test
  void aTrailCutShortKeepsAnIntactChainButDisagreesWithTheHistory() throws Exception {
    List<String> lines = Files.readAllLines(trail);
    int firstApproval = 0;
    while (!lines.get(firstApproval).contains("\"kind\":\"approval\"")) {
      firstApproval++;
    }
    Files.write(trail, lines.subList(0, firstApproval)); // before the approvals and the end of the release

    assertThat(report()).isEqualTo(GantryCli.FAILED);
    assertThat(out.toString()).contains("audit trail   chain intact")
        .contains("outcome: the history says COMPLETED, the audit trail's last release line says 'started'")
        .contains("approval by 'alice' in 'production': in the history (update at")
        .contains("gate 'production approval passed': in the history's report, not in the audit trail");
  }

  /**
   * Where the worker's Audit.append returns the trail's chain head, the history holds each head: a trail
   * that lacks one was cut or rewritten, even when its own chain holds.
   */
  @Test
  void chainHeadsTheHistoryHoldsMustBeInTheTrail() throws Exception {
    List<String> hashes = new ArrayList<>();
    for (String line : Files.readAllLines(trail)) {
      hashes.add(json.readTree(line).get("hash").asText());
    }
    Path original = Files.copy(history, dir.resolve("original.json"));
    returnChainHeads(history, hashes::get);
    assertThat(report()).as(out.toString()).isEqualTo(GantryCli.OK);

    Files.copy(original, history, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    String unknown = "f".repeat(64);
    returnChainHeads(history, n -> n == 3 ? unknown : hashes.get(n));
    out.getBuffer().setLength(0);
    assertThat(report()).isEqualTo(GantryCli.FAILED);
    assertThat(out.toString()).containsPattern("audit trail: the history's Audit.append \\(event \\d+\\) returned the"
        + " chain head '" + unknown + "', which no line of the trail has");
  }

  @Test
  void theTrailOfAnotherReleaseIsNotThisReleasesTrail() throws Exception {
    rechain(trail, line -> true, line -> {
      line.put("releaseId", "release/hello-service/1.3.0");
      line.put("eventId", line.path("eventId").asText().replace("1.4.0", "1.3.0"));
      return line;
    });

    assertThat(report()).isEqualTo(GantryCli.FAILED);
    assertThat(out.toString())
        .contains("audit trail: no line of " + ID + " (its lines are of 'release/hello-service/1.3.0')")
        .contains("approval by 'alice' in 'production': in the history");
  }

  @Test
  void aSignatureLogWithoutARegionsVerificationDisagrees() throws Exception {
    rechain(signatures, line -> !("production/eu-west-1".equals(line.path("environment").asText() + "/"
        + line.path("region").asText())), UnaryOperator.identity());

    assertThat(report()).isEqualTo(GantryCli.FAILED);
    assertThat(out.toString()).contains("signature log chain intact")
        .contains("region 'production'/'eu-west-1': deployed with verification required, but the signature log has"
            + " no passing verification of it");
  }

  @Test
  void theHistoryMustBeOfTheReleaseNamed() {
    assertThat(report("hello-service/1.3.0")).isEqualTo(GantryCli.FAILED);
    assertThat(out.toString()).contains("history: it is the history of '" + ID + "', not of"
        + " 'release/hello-service/1.3.0'");
  }

  @Test
  void usageErrorsSayWhatIsMissingAndNeverEchoAFile() throws Exception {
    assertThat(run("release", "report", "--offline", "--history", history.toString())).isEqualTo(GantryCli.USAGE);
    assertThat(err.toString()).contains("--offline needs all three files");

    err.getBuffer().setLength(0);
    Path secret = Files.writeString(dir.resolve("shadow"), "root:$6$secret-hash:19000:0:99999:7:::\n");
    assertThat(run("release", "report", "--offline", "--history", secret.toString(), "--audit", trail.toString(),
        "--signatures", signatures.toString())).isEqualTo(GantryCli.USAGE);
    assertThat(err.toString()).contains("is not an event history as `temporal workflow show").doesNotContain("secret");

    err.getBuffer().setLength(0);
    assertThat(run("release", "report", "--offline", "--history", history.toString(), "--audit",
        dir.resolve("missing.jsonl").toString(), "--signatures", signatures.toString())).isEqualTo(GantryCli.USAGE);
    assertThat(err.toString()).contains("missing.jsonl does not exist");

    err.getBuffer().setLength(0);
    assertThat(run("release", "report", "--history", history.toString())).isEqualTo(GantryCli.USAGE);
    assertThat(err.toString()).contains("go with --offline");
  }

  @Test
  void aCommentCannotForgeLinesOrHideTextInTheReport() throws Exception {
    rewritePayloads(history, text -> text.replace("ship it", "ship it\\n  consistent: all good\\u001b[2J\\u202e"));

    assertThat(report()).isEqualTo(GantryCli.FAILED); // and the trail has the comment bob sent
    assertThat(out.toString()).contains("approval by 'bob': the history's message says 'ship it")
        .contains("ship it   consistent: all good [2J ").doesNotContain("\u001b")
        .doesNotContain("\u202e").doesNotContain("\n  consistent: all good");
  }

  @Test
  void aLineThatIsNotJsonIsNamedByNumberNotShown() throws Exception {
    List<String> lines = new ArrayList<>(Files.readAllLines(signatures));
    lines.add(3, "password=hunter2");
    Files.write(signatures, lines);

    assertThat(report()).isEqualTo(GantryCli.FAILED);
    assertThat(out.toString()).contains("signature log: line 4: not a JSON object").doesNotContain("hunter2");
  }

  private int report(String... more) {
    List<String> args = new ArrayList<>(List.of("release", "report"));
    for (String arg : more) {
      if (!arg.startsWith("-") && !arg.equals("json")) {
        args.add(arg);
      }
    }
    args.addAll(List.of("--offline", "--history", history.toString(), "--audit", trail.toString(), "--signatures",
        signatures.toString()));
    for (String arg : more) {
      if (arg.startsWith("-") || arg.equals("json")) {
        args.add(arg);
      }
    }
    return run(args.toArray(new String[0]));
  }

  private int run(String... args) {
    CommandLine cli = GantryCli.newCommandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  private Path copy(String name) throws Exception {
    try (InputStream in = getClass().getResourceAsStream("/report/" + name)) {
      assertThat(in).as(name).isNotNull();
      Path file = dir.resolve(name);
      Files.copy(in, file);
      return file;
    }
  }

  /** Writes the log again through the worker's own chaining: the kept lines, changed, with a valid chain. */
  private void rechain(Path log, Predicate<ObjectNode> keep, UnaryOperator<ObjectNode> change) throws Exception {
    List<String> lines = Files.readAllLines(log);
    Files.delete(log);
    HashChainedLog chained = new HashChainedLog(log);
    for (String raw : lines) {
      ObjectNode line = (ObjectNode) json.readTree(raw);
      line.remove("hash");
      line.remove("prevHash");
      if (keep.test(line)) {
        chained.append(change.apply(line));
      }
    }
  }

  /** Gives the n-th Audit.append activity of the history the result {@code {"head": <hash>}}. */
  private void returnChainHeads(Path file, java.util.function.IntFunction<String> head) throws Exception {
    JsonNode root = json.readTree(file.toFile());
    java.util.Set<String> appends = new java.util.HashSet<>();
    int n = 0;
    for (JsonNode event : root.get("events")) {
      JsonNode scheduled = event.get("activityTaskScheduledEventAttributes");
      if (scheduled != null && scheduled.at("/activityType/name").asText().equals("Audit.append")) {
        appends.add(event.get("eventId").asText());
      }
      JsonNode completed = event.get("activityTaskCompletedEventAttributes");
      if (completed != null && appends.contains(completed.get("scheduledEventId").asText())) {
        ObjectNode payload = json.createObjectNode();
        payload.putObject("metadata").put("encoding",
            Base64.getEncoder().encodeToString("json/plain".getBytes(StandardCharsets.UTF_8)));
        payload.put("data", Base64.getEncoder().encodeToString(("{\"head\":\"" + head.apply(n++) + "\"}")
            .getBytes(StandardCharsets.UTF_8)));
        ((ObjectNode) completed).putObject("result").putArray("payloads").add(payload);
      }
    }
    assertThat(n).as("Audit.append activities in the history").isGreaterThan(3);
    json.writeValue(file.toFile(), root);
  }

  /** Rewrites every JSON payload of the exported history, as someone editing the export would. */
  private void rewritePayloads(Path file, UnaryOperator<String> change) throws Exception {
    JsonNode root = json.readTree(file.toFile());
    rewrite(root, change);
    json.writeValue(file.toFile(), root);
  }

  private void rewrite(JsonNode node, UnaryOperator<String> change) {
    if (node.isObject()) {
      ObjectNode object = (ObjectNode) node;
      if (object.has("data") && object.has("metadata")) {
        String data = new String(Base64.getDecoder().decode(object.get("data").asText()), StandardCharsets.UTF_8);
        object.put("data", Base64.getEncoder().encodeToString(change.apply(data).getBytes(StandardCharsets.UTF_8)));
      }
      object.forEach(child -> rewrite(child, change));
    } else if (node.isArray()) {
      node.forEach(child -> rewrite(child, change));
    }
  }
}
