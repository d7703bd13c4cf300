package dev.gantry.activities.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpServer;
import dev.gantry.workflows.api.quality.CoverageRule;
import dev.gantry.workflows.api.quality.Measurement;
import dev.gantry.workflows.api.quality.QualityGateActivities;
import dev.gantry.workflows.api.quality.QualityGatePolicy;
import dev.gantry.workflows.api.quality.QualityGateRequest;
import dev.gantry.workflows.api.quality.QualityGateResult;
import dev.gantry.workflows.api.quality.SecurityRule;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.GlobalDataConverter;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QualityGateActivitiesImplTest {

  @TempDir
  Path tmp;

  private final QualityGateActivitiesImpl gate = new QualityGateActivitiesImpl();

  // ---------------------------------------------------------------- coverage: Istanbul

  @Test
  void istanbulCoverageAboveTheMinimumPasses() throws IOException {
    Path report = write("coverage-summary.json", istanbul(85.5));

    QualityGateResult result = evaluate(coverage(report, "istanbul", 80.0), null);

    assertThat(result.passed()).isTrue();
    assertThat(result.problems()).isEmpty();
    assertThat(result.measurements()).containsExactly(new Measurement(
        Measurement.COVERAGE_LINES, 85.5, ">=", 80.0, true, report + " (istanbul)"));
  }

  @Test
  void coverageExactlyAtTheMinimumPasses() throws IOException {
    Path report = write("coverage-summary.json", istanbul(80));

    assertThat(evaluate(coverage(report, "istanbul", 80.0), null).passed()).isTrue();
  }

  @Test
  void istanbulCoverageBelowTheMinimumFailsAndSaysByHowMuch() throws IOException {
    Path report = write("coverage-summary.json", istanbul(72.5));

    QualityGateResult result = evaluate(coverage(report, "istanbul", 80.0), null);

    assertThat(result.passed()).isFalse();
    assertThat(result.measurements()).singleElement().satisfies(m -> {
      assertThat(m.passed()).isFalse();
      assertThat(m.value()).isEqualTo(72.5);
    });
    assertThat(result.problems()).singleElement().asString()
        .contains("line coverage 72.5% is below the minimum 80%").contains(report.toString())
        .contains("minLinesPct");
  }

  @Test
  void istanbulUnknownPercentageIsAProblemNotAPass() throws IOException {
    Path report = write("coverage-summary.json",
        "{\"total\":{\"lines\":{\"total\":0,\"covered\":0,\"skipped\":0,\"pct\":\"Unknown\"}}}");

    QualityGateResult result = evaluate(coverage(report, "istanbul", 0.0), null);

    assertThat(result.passed()).isFalse();
    assertThat(result.measurements()).isEmpty();
    assertThat(result.problems()).singleElement().asString().contains("\"Unknown\"")
        .contains("no line was instrumented");
  }

  @Test
  void aCoverageReportWithoutTotalLinesIsAProblem() throws IOException {
    Path report = write("coverage-summary.json", "{\"total\":{\"statements\":{\"pct\":99}}}");

    QualityGateResult result = evaluate(coverage(report, "istanbul", 50.0), null);

    assertThat(result.passed()).isFalse();
    assertThat(result.problems()).singleElement().asString().contains("no numeric total.lines.pct")
        .contains("json-summary");
  }

  // ---------------------------------------------------------------- coverage: JaCoCo

  @Test
  void jacocoCoverageIsTheReportLevelLineCounterDespiteTheDoctype() throws IOException {
    // Package-level counters say 10%; only the report-level counter (90 of 120 = 75%) counts.
    Path report = write("jacoco.xml", jacoco(30, 90));

    QualityGateResult result = evaluate(coverage(report, "jacoco", 75.0), null);

    assertThat(result.problems()).isEmpty();
    assertThat(result.passed()).isTrue();
    assertThat(result.measurements()).singleElement().satisfies(m -> {
      assertThat(m.value()).isEqualTo(75.0);
      assertThat(m.source()).isEqualTo(report + " (jacoco)");
    });
  }

  @Test
  void jacocoCoverageBelowTheMinimumFails() throws IOException {
    Path report = write("jacoco.xml", jacoco(60, 40));

    QualityGateResult result = evaluate(coverage(report, "JaCoCo", 80.0), null);

    assertThat(result.passed()).isFalse();
    assertThat(result.problems()).singleElement().asString().contains("line coverage 40% is below");
  }

  @Test
  void malformedXmlIsAProblemNamingTheFileAndLine() throws IOException {
    Path report = write("jacoco.xml", "<?xml version=\"1.0\"?>\n<report name=\"x\">\n<counter type=\"LINE\"");

    QualityGateResult result = evaluate(coverage(report, "jacoco", 10.0), null);

    assertThat(result.passed()).isFalse();
    assertThat(result.problems()).singleElement().asString().contains(report.toString())
        .contains("not well-formed XML");
  }

  @Test
  void aJacocoReportWithoutAReportLevelLineCounterIsAProblem() throws IOException {
    Path report = write("jacoco.xml", "<report name=\"x\"><package name=\"p\">"
        + "<counter type=\"LINE\" missed=\"0\" covered=\"10\"/></package></report>");

    QualityGateResult result = evaluate(coverage(report, "jacoco", 10.0), null);

    assertThat(result.passed()).isFalse();
    assertThat(result.problems()).singleElement().asString().contains("no report-level");
  }

  @Test
  void theXmlParserFetchesNoExternalDtdOrEntity() throws IOException {
    AtomicInteger fetches = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      fetches.incrementAndGet();
      byte[] body = "<!ENTITY leak \"stolen\">".getBytes();
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    try {
      String base = "http://127.0.0.1:" + server.getAddress().getPort();
      Path secret = write("secret.txt", "s3cr3t");
      Path report = write("jacoco.xml", "<?xml version=\"1.0\"?>\n"
          + "<!DOCTYPE report SYSTEM \"" + base + "/report.dtd\" [\n"
          + "  <!ENTITY file SYSTEM \"" + secret.toUri() + "\">\n"
          + "  <!ENTITY net SYSTEM \"" + base + "/entity\">\n"
          + "  <!ENTITY % remote SYSTEM \"" + base + "/param\"> %remote;\n"
          + "]>\n"
          + "<report name=\"hello\"><sessioninfo id=\"s\">&file;&net;</sessioninfo>"
          + "<counter type=\"LINE\" missed=\"1\" covered=\"9\"/></report>");

      QualityGateResult result = evaluate(coverage(report, "jacoco", 50.0), null);

      assertThat(fetches).as("requests that reached the server").hasValue(0);
      assertThat(String.join(" ", result.problems())).doesNotContain("s3cr3t");
      // Unresolved entities are skipped, not fatal: the report's counters still count.
      assertThat(result.problems()).isEmpty();
      assertThat(result.measurements()).singleElement().extracting(Measurement::value).isEqualTo(90.0);
    } finally {
      server.stop(0);
    }
  }

  // ---------------------------------------------------------------- missing and malformed reports

  @Test
  void aMissingReportFailsTheGateAndNamesTheFile() {
    Path report = tmp.resolve("coverage/coverage-summary.json");

    QualityGateResult result = evaluate(coverage(report, "istanbul", 80.0), null);

    assertThat(result.passed()).isFalse();
    assertThat(result.measurements()).isEmpty();
    assertThat(result.problems()).singleElement().asString()
        .contains(report.toString()).contains("does not exist").contains("config.yaml");
  }

  @Test
  void malformedJsonIsAProblemNamingTheFile() throws IOException {
    Path report = write("coverage-summary.json", "{\"total\": {\"lines\": {\"pct\": 90}");

    QualityGateResult result = evaluate(coverage(report, "istanbul", 80.0), null);

    assertThat(result.passed()).isFalse();
    assertThat(result.problems()).singleElement().asString().contains(report.toString())
        .contains("not valid JSON");
  }

  @Test
  void anEmptyReportIsAProblem() throws IOException {
    Path report = write("score.json", "");

    QualityGateResult result = evaluate(null, new SecurityRule(report.toString(), 5.0, null, null, null));

    assertThat(result.passed()).isFalse();
    assertThat(result.problems()).singleElement().asString().contains("is empty");
  }

  // ---------------------------------------------------------------- security score

  @Test
  void aSecurityScoreAtOrAboveTheMinimumPasses() throws IOException {
    Path report = write("score.json", "{\"date\":\"2025-01-01\",\"score\": 8.7,\"checks\":[]}");

    QualityGateResult result = evaluate(null, new SecurityRule(report.toString(), 8.7, null, null, null));

    assertThat(result.passed()).isTrue();
    assertThat(result.measurements()).containsExactly(new Measurement(
        Measurement.SECURITY_SCORE, 8.7, ">=", 8.7, true, report + " (score.json)"));
  }

  @Test
  void aSecurityScoreBelowTheMinimumFails() throws IOException {
    Path report = write("score.json", "{\"score\": 6.1}");

    QualityGateResult result = evaluate(null, new SecurityRule(report.toString(), 7.0, null, null, null));

    assertThat(result.passed()).isFalse();
    assertThat(result.problems()).singleElement().asString()
        .contains("security score 6.1 is below the minimum 7").contains("minScore");
  }

  @Test
  void aScoreThatIsNotANumberIsAProblem() throws IOException {
    Path report = write("score.json", "{\"score\": \"high\"}");

    QualityGateResult result = evaluate(null, new SecurityRule(report.toString(), 1.0, null, null, null));

    assertThat(result.passed()).isFalse();
    assertThat(result.problems()).singleElement().asString().contains("no numeric \"score\"");
  }

  // ---------------------------------------------------------------- SARIF

  @Test
  void sarifFindingsAreCountedBySecuritySeverityThenLevel() throws IOException {
    Path report = write("scan.sarif", Sarif.MIXED);

    SarifSeverities.Counts counts;
    try {
      counts = SarifSeverities.count(report);
    } catch (ReportProblem e) {
      throw new AssertionError(e.getMessage(), e);
    }

    // critical: sql-injection x2 (9.8 by id and by index), result-level override 9.1 on a 5.0 rule,
    //           an extension rule at 9.5 found through toolComponent.
    // high:     path-traversal (7.5), a result-level "error" without security-severity, a rule whose
    //           defaultConfiguration.level is error, and "weak-hash/md5" matched to rule weak-hash (7.0).
    // not counted: medium (5.0), warning, note, a pass, a suppressed critical, a fixed (absent) critical,
    //           and an "underReview" suppression does count.
    assertThat(counts.critical()).isEqualTo(5);
    assertThat(counts.high()).isEqualTo(4);
    assertThat(counts.criticalRules()).contains("js/sql-injection", "js/override", "ext/deserialize");
  }

  @Test
  void criticalFindingsFailAZeroCriticalGateAndAreNamed() throws IOException {
    Path report = write("scan.sarif", Sarif.MIXED);

    QualityGateResult result = evaluate(null, new SecurityRule(null, null, report.toString(), 0, 10));

    assertThat(result.passed()).isFalse();
    assertThat(result.measurements()).containsExactly(
        new Measurement(Measurement.CRITICAL_FINDINGS, 5, "<=", 0, false, report + " (sarif)"),
        new Measurement(Measurement.HIGH_FINDINGS, 4, "<=", 10, true, report + " (sarif)"));
    assertThat(result.problems()).singleElement().asString()
        .contains("5 critical security findings exceed the maximum of 0")
        .contains("js/sql-injection").contains("maxCritical");
  }

  @Test
  void aZeroCriticalGatePassesWhenOnlyLesserFindingsRemain() throws IOException {
    Path report = write("scan.sarif", Sarif.ONLY_HIGH_AND_MEDIUM);

    QualityGateResult result = evaluate(null, new SecurityRule(null, null, report.toString(), 0, null));

    assertThat(result.problems()).isEmpty();
    assertThat(result.passed()).isTrue();
    assertThat(result.measurements()).containsExactly(
        new Measurement(Measurement.CRITICAL_FINDINGS, 0, "<=", 0, true, report + " (sarif)"));
  }

  @Test
  void tooManyHighFindingsFailTheGate() throws IOException {
    Path report = write("scan.sarif", Sarif.ONLY_HIGH_AND_MEDIUM);

    QualityGateResult result = evaluate(null, new SecurityRule(null, null, report.toString(), 0, 0));

    assertThat(result.passed()).isFalse();
    assertThat(result.problems()).singleElement().asString()
        .contains("1 high security finding exceeds the maximum of 0").contains("maxHigh");
  }

  @Test
  void aSarifRunWithoutResultsMeansTheScanDidNotComplete() throws IOException {
    Path report = write("scan.sarif",
        "{\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":\"CodeQL\"}}}]}");

    QualityGateResult result = evaluate(null, new SecurityRule(null, null, report.toString(), 0, 0));

    assertThat(result.passed()).isFalse();
    assertThat(result.measurements()).isEmpty();
    assertThat(result.problems()).singleElement().asString().contains("CodeQL")
        .contains("did not complete");
  }

  @Test
  void aSarifReportOfAnotherVersionOrWithABadSeverityIsAProblem() throws IOException {
    Path old = write("old.sarif", "{\"version\":\"1.0.0\",\"runs\":[]}");
    Path bad = write("bad.sarif", "{\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":\"t\","
        + "\"rules\":[{\"id\":\"r\",\"properties\":{\"security-severity\":\"severe\"}}]}},"
        + "\"results\":[{\"ruleId\":\"r\"}]}]}");

    QualityGateResult oldResult = evaluate(null, new SecurityRule(null, null, old.toString(), 0, null));
    QualityGateResult badResult = evaluate(null, new SecurityRule(null, null, bad.toString(), 0, null));

    assertThat(oldResult.passed()).isFalse();
    assertThat(oldResult.problems()).singleElement().asString().contains("\"1.0.0\"");
    assertThat(badResult.passed()).isFalse();
    assertThat(badResult.problems()).singleElement().asString().contains("not a CVSS score")
        .contains("rule r").doesNotContain("\"severe\"");
  }

  // ---------------------------------------------------------------- hostile report paths

  /** The attack: a report path pointed at a file of secrets, and the parser's message quoted it in status. */
  @Test
  void aReportPathToAFileOfSecretsNamesTheFileButNeverQuotesIt() throws IOException {
    String secret = "wJalrXUtnFEMI-K7MDENG";
    Path shadow = write("shadow", "root:$6$" + secret + ":19000:0:99999:7:::\n");
    Path env = write("worker.env", "AWS_SECRET_ACCESS_KEY=" + secret + "\n");
    Path xml = write("secrets.xml", "<" + secret + ">x</wrong>");
    Path jsonText = write("token.json", "{\"total\":{\"lines\":{\"pct\":\"" + secret + "\"}},\"score\":\""
        + secret + "\",\"version\":\"" + secret + "=\"}");

    for (Path file : List.of(shadow, env, jsonText)) {
      QualityGateResult result = evaluate(coverage(file, "istanbul", 80.0),
          new SecurityRule(file.toString(), 5.0, file.toString(), 0, 0));
      assertThat(result.passed()).isFalse();
      assertThat(result.problems()).hasSize(3).allSatisfy(problem ->
          assertThat(problem).contains(file.toString()).doesNotContain(secret).doesNotContain("root:"));
    }
    QualityGateResult jacoco = evaluate(coverage(xml, "jacoco", 80.0), null);
    assertThat(jacoco.problems()).singleElement().asString().contains("not well-formed XML at line 1")
        .doesNotContain(secret);
  }

  @Test
  void anOversizedReportIsRefusedBeforeItIsParsed() throws IOException {
    Path huge = tmp.resolve("huge.sarif");
    try (var file = new java.io.RandomAccessFile(huge.toFile(), "rw")) {
      file.setLength(Reports.MAX_REPORT_BYTES + 1); // sparse: no disk, no time
    }

    QualityGateResult result = evaluate(null, new SecurityRule(null, null, huge.toString(), 0, null));

    assertThat(result.problems()).singleElement().asString().contains("is larger than 64 MiB");
  }

  @Test
  void aDeviceIsNotReadAsAReport() {
    QualityGateResult result = evaluate(coverage(Path.of("/dev/zero"), "istanbul", 80.0), null);

    assertThat(result.problems()).singleElement().asString().contains("is not a regular file");
  }

  @Test
  void anEmptyScanPassesAZeroFindingGate() throws IOException {
    Path report = write("scan.sarif",
        "{\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":\"t\"}},\"results\":[]}]}");

    QualityGateResult result = evaluate(null, new SecurityRule(null, null, report.toString(), 0, 0));

    assertThat(result.passed()).isTrue();
    assertThat(result.measurements()).extracting(Measurement::value).containsExactly(0.0, 0.0);
  }

  // ---------------------------------------------------------------- the whole gate

  @Test
  void everyRuleIsMeasuredAndOneFailureFailsTheGate() throws IOException {
    Path coverage = write("coverage-summary.json", istanbul(91));
    Path score = write("score.json", "{\"score\": 9.2}");
    Path sarif = write("scan.sarif", Sarif.ONLY_HIGH_AND_MEDIUM);

    QualityGateResult result = evaluate(coverage(coverage, "istanbul", 80.0),
        new SecurityRule(score.toString(), 7.0, sarif.toString(), 0, 0));

    assertThat(result.measurements()).extracting(Measurement::name).containsExactly(
        Measurement.COVERAGE_LINES, Measurement.SECURITY_SCORE, Measurement.CRITICAL_FINDINGS,
        Measurement.HIGH_FINDINGS);
    assertThat(result.measurements()).extracting(Measurement::passed).containsExactly(true, true, true,
        false);
    assertThat(result.passed()).isFalse();
    assertThat(result.problems()).hasSize(1);
  }

  @Test
  void aPolicyThatCannotBeEvaluatedIsRefusedNonRetryablyNamingEveryField() {
    QualityGatePolicy policy = new QualityGatePolicy(
        new CoverageRule("coverage/coverage-summary.json", "cobertura", 120.0),
        new SecurityRule(null, 7.0, null, -1, null));

    ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class,
        () -> gate.evaluate(new QualityGateRequest("release/hello/1.0", "production", policy)));

    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getType()).isEqualTo(QualityGateActivities.INVALID_POLICY);
    assertThat(failure.getOriginalMessage())
        .contains("quality.coverage.report is 'coverage/coverage-summary.json', a relative path")
        .contains("quality.coverage.format is 'cobertura'")
        .contains("quality.coverage.minLinesPct is 120.0")
        .contains("quality.security.scoreReport is missing")
        .contains("quality.security.sarifReport is missing")
        .contains("must be 0 or more");
  }

  @Test
  void anEmptyPolicyIsRefused() {
    ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class, () -> gate.evaluate(
        new QualityGateRequest("release/hello/1.0", "production", new QualityGatePolicy(null, null))));

    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).contains("needs a 'coverage' or a 'security' rule");
  }

  @Test
  void recordsSurviveTemporalsDataConverter() throws IOException {
    Path coverage = write("coverage-summary.json", istanbul(91));
    QualityGateRequest request = new QualityGateRequest("release/hello/1.0", "staging",
        new QualityGatePolicy(coverage(coverage, "istanbul", 80.0),
            new SecurityRule(null, null, "/x.sarif", 0, 3)));
    QualityGateResult result = evaluate(coverage(coverage, "istanbul", 80.0), null);
    DataConverter converter = GlobalDataConverter.get();

    assertThat(converter.fromPayloads(0, converter.toPayloads(request), QualityGateRequest.class,
        QualityGateRequest.class)).isEqualTo(request);
    assertThat(converter.fromPayloads(0, converter.toPayloads(result), QualityGateResult.class,
        QualityGateResult.class)).isEqualTo(result);
  }

  // ---------------------------------------------------------------- helpers

  private QualityGateResult evaluate(CoverageRule coverage, SecurityRule security) {
    return gate.evaluate(new QualityGateRequest("release/hello/1.0", "staging",
        new QualityGatePolicy(coverage, security)));
  }

  private static CoverageRule coverage(Path report, String format, Double min) {
    return new CoverageRule(report.toString(), format, min);
  }

  private Path write(String name, String content) throws IOException {
    Path file = tmp.resolve(name);
    Files.writeString(file, content);
    return file;
  }

  private static String istanbul(double linesPct) {
    return "{\"total\": {\"lines\": {\"total\": 200, \"covered\": 170, \"skipped\": 0, \"pct\": " + linesPct
        + "}, \"statements\": {\"pct\": 12}, \"functions\": {\"pct\": 13}, \"branches\": {\"pct\": 14}},"
        + " \"/src/a.js\": {\"lines\": {\"pct\": 1}}}";
  }

  private static String jacoco(int missed, int covered) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
        + "<!DOCTYPE report PUBLIC \"-//JACOCO//DTD Report 1.1//EN\" \"report.dtd\">"
        + "<report name=\"hello\"><sessioninfo id=\"s1\" start=\"1\" dump=\"2\"/>"
        + "<package name=\"dev/hello\"><class name=\"dev/hello/A\" sourcefilename=\"A.java\">"
        + "<counter type=\"LINE\" missed=\"9\" covered=\"1\"/></class>"
        + "<counter type=\"INSTRUCTION\" missed=\"90\" covered=\"10\"/>"
        + "<counter type=\"LINE\" missed=\"9\" covered=\"1\"/></package>"
        + "<counter type=\"INSTRUCTION\" missed=\"1\" covered=\"99\"/>"
        + "<counter type=\"LINE\" missed=\"" + missed + "\" covered=\"" + covered + "\"/>"
        + "<counter type=\"METHOD\" missed=\"0\" covered=\"5\"/></report>";
  }
}
