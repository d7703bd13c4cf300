package dev.gantry.activities.cab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import dev.gantry.workflows.api.cab.CabDecision;
import dev.gantry.workflows.api.cab.CabPolicy;
import dev.gantry.workflows.api.cab.ChangeBoardActivities;
import dev.gantry.workflows.api.cab.ChangeRequest;
import dev.gantry.workflows.api.cab.ChangeTicket;
import dev.gantry.workflows.api.cab.CloseChangeRequest;
import dev.gantry.workflows.api.cab.ReadDecisionRequest;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.GlobalDataConverter;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ServiceNow adapter, through the dispatcher, against a local server speaking sn_chg_rest. */
class ServiceNowChangeBoardTest {
  private static final String CORRELATION = "release/hello/1.4.0/production";

  private FakeServiceNow serviceNow;
  private ChangeBoardActivities board;
  private CabPolicy policy;

  @BeforeEach
  void start() throws IOException {
    serviceNow = new FakeServiceNow();
    board = boardWith(Map.of("SN_TOKEN", FakeServiceNow.TOKEN)::get, Duration.ofSeconds(5));
    policy = new CabPolicy("servicenow", serviceNow.url() + "/", "SN_TOKEN", "CAB-Payments", 60, 24);
  }

  @AfterEach
  void stop() {
    serviceNow.close();
  }

  private static ChangeBoardActivities boardWith(Function<String, String> env, Duration timeout) {
    HttpClient client = HttpClient.newHttpClient();
    return new ChangeBoardActivitiesImpl(List.of(
        new ServiceNowChangeBoard(client, timeout, env), new WebhookChangeBoard(client, timeout, env)));
  }

  private ChangeRequest request(String releaseId) {
    return new ChangeRequest(releaseId, "hello", "1.4.0", "sha256:" + "ab".repeat(32), "production", "dana",
        "Adds the greeting endpoint.", policy);
  }

  @Test
  void openingSearchesByCorrelationThenCreatesANormalChange() {
    ChangeTicket ticket = board.openChange(request("release/hello/1.4.0"));

    List<RecordingServer.Request> requests = serviceNow.requests();
    assertThat(requests).extracting(RecordingServer.Request::method, RecordingServer.Request::path)
        .containsExactly(
            tuple("GET", "/api/sn_chg_rest/change"),
            tuple("POST", "/api/sn_chg_rest/change/normal"));
    assertThat(requests).allSatisfy(r ->
        assertThat(r.authorization()).isEqualTo("Bearer " + FakeServiceNow.TOKEN));
    assertThat(requests.get(0).query())
        .isEqualTo("sysparm_query=correlation_id=" + CORRELATION + "^active=true^ORDERBYsys_created_on");
    var body = requests.get(1).body();
    assertThat(body.path("short_description").asText()).isEqualTo("Deploy hello 1.4.0 to production");
    assertThat(body.path("description").asText()).contains("Adds the greeting endpoint.")
        .contains("Release: release/hello/1.4.0").contains("sha256:abab").contains("Requested by: dana");
    assertThat(body.path("assignment_group").asText()).isEqualTo("CAB-Payments");
    assertThat(body.path("correlation_id").asText()).isEqualTo(CORRELATION);
    assertThat(body.path("correlation_display").asText()).isEqualTo("Gantry");

    String sysId = serviceNow.changes.keySet().iterator().next();
    assertThat(ticket).isEqualTo(new ChangeTicket(sysId, serviceNow.changes.get(sysId).get("number"),
        serviceNow.url() + "/nav_to.do?uri=change_request.do%3Fsys_id%3D" + sysId, "servicenow"));
  }

  @Test
  void reopeningFindsTheOpenChangeInsteadOfCreatingASecond() {
    ChangeTicket first = board.openChange(request("release/hello/1.4.0"));
    ChangeTicket again = board.openChange(request("release/hello/1.4.0"));

    assertThat(again).isEqualTo(first);
    assertThat(serviceNow.changes).hasSize(1);
    assertThat(serviceNow.requests()).extracting(RecordingServer.Request::method)
        .containsExactly("GET", "POST", "GET");
  }

  @Test
  void aChangeSomeoneElseOpenedForThisReleaseIsAdopted() {
    String sysId = serviceNow.seed(CORRELATION, "-3", "requested");

    ChangeTicket ticket = board.openChange(request("release/hello/1.4.0"));

    assertThat(ticket.id()).isEqualTo(sysId);
    assertThat(serviceNow.requests()).extracting(RecordingServer.Request::method).containsExactly("GET");
  }

  @Test
  void aClosedChangeForTheSameReleaseIsNotReused() {
    String closed = serviceNow.seed(CORRELATION, "4", "rejected");

    ChangeTicket ticket = board.openChange(request("release/hello/1.4.0"));

    assertThat(ticket.id()).isNotEqualTo(closed);
    assertThat(serviceNow.changes).hasSize(2);
  }

  @Test
  void aCorrelationKeyTooLongForServiceNowIsHashedTheSameWayForSearchAndCreate() {
    String longRelease = "release/" + "a-very-long-application-name".repeat(3) + "/1.4.0-rc.1+build.20250101";

    ChangeTicket first = board.openChange(request(longRelease));
    ChangeTicket again = board.openChange(request(longRelease));

    String stored = serviceNow.changes.get(first.id()).get("correlation_id");
    assertThat(stored).startsWith("gantry-sha256:").hasSizeLessThanOrEqualTo(100);
    assertThat(again).isEqualTo(first);
    assertThat(serviceNow.changes).hasSize(1);
  }

  @Test
  void theDecisionFollowsTheChangesApproval() {
    ChangeTicket ticket = board.openChange(request("release/hello/1.4.0"));
    ReadDecisionRequest read = new ReadDecisionRequest(ticket, policy);

    serviceNow.set(ticket.id(), "state", "-3");
    serviceNow.set(ticket.id(), "approval", "requested");
    CabDecision requested = board.readDecision(read);
    serviceNow.set(ticket.id(), "state", "-2");
    serviceNow.set(ticket.id(), "approval", "approved");
    CabDecision approved = board.readDecision(read);
    serviceNow.set(ticket.id(), "state", "-5");
    serviceNow.set(ticket.id(), "approval", "rejected");
    CabDecision rejected = board.readDecision(read);

    assertThat(requested.state()).isEqualTo(CabDecision.PENDING);
    assertThat(requested.decidedBy()).isNull();
    assertThat(requested.reason()).contains("approval=Requested").contains("state=Authorize (-3)");
    assertThat(approved.state()).isEqualTo(CabDecision.APPROVED);
    assertThat(approved.decidedBy()).isEqualTo("ServiceNow change " + ticket.number());
    assertThat(rejected.state()).isEqualTo(CabDecision.REJECTED);
    assertThat(rejected.reason()).contains("approval=Rejected");
    RecordingServer.Request last = serviceNow.requests().get(serviceNow.requests().size() - 1);
    assertThat(last.method()).isEqualTo("GET");
    assertThat(last.path()).isEqualTo("/api/sn_chg_rest/change/" + ticket.id());
    assertThat(last.authorization()).isEqualTo("Bearer " + FakeServiceNow.TOKEN);
  }

  @Test
  void aCanceledChangeIsARejectionEvenAfterAnApproval() {
    String sysId = serviceNow.seed(CORRELATION, "4", "approved");

    CabDecision decision = board.readDecision(new ReadDecisionRequest(
        new ChangeTicket(sysId, "CHG0030000", null, "servicenow"), policy));

    assertThat(decision.state()).isEqualTo(CabDecision.REJECTED);
    assertThat(decision.reason()).contains("Canceled");
  }

  @Test
  void closingAnApprovedChangeWalksTheStateModelToClosedOnce() {
    ChangeTicket ticket = board.openChange(request("release/hello/1.4.0"));
    serviceNow.set(ticket.id(), "state", "-2");
    serviceNow.set(ticket.id(), "approval", "approved");
    int before = serviceNow.requests().size();

    ChangeTicket closed = board.closeChange(new CloseChangeRequest(ticket, policy, true,
        "Deployed to 4 regions."));
    int afterFirstClose = serviceNow.requests().size();
    board.closeChange(new CloseChangeRequest(ticket, policy, true, "Deployed to 4 regions."));

    assertThat(closed).isEqualTo(ticket);
    List<RecordingServer.Request> close = serviceNow.requests().subList(before, afterFirstClose);
    assertThat(close).extracting(RecordingServer.Request::method)
        .containsExactly("GET", "PATCH", "PATCH", "PATCH");
    List<RecordingServer.Request> patches = close.subList(1, 4);
    assertThat(patches).extracting(r -> r.body().path("state").asText()).containsExactly("-1", "0", "3");
    assertThat(patches).allSatisfy(r -> {
      assertThat(r.path()).isEqualTo("/api/sn_chg_rest/change/" + ticket.id());
      assertThat(r.authorization()).isEqualTo("Bearer " + FakeServiceNow.TOKEN);
      assertThat(r.body().path("close_code").asText()).isEqualTo("successful");
      assertThat(r.body().path("close_notes").asText()).isEqualTo("Deployed to 4 regions.");
    });
    Map<String, String> change = serviceNow.changes.get(ticket.id());
    assertThat(change).containsEntry("state", "3").containsEntry("active", "false")
        .containsEntry("close_code", "successful");
    assertThat(serviceNow.requests().subList(afterFirstClose, serviceNow.requests().size()))
        .as("closing a closed change only reads it").extracting(RecordingServer.Request::method)
        .containsExactly("GET");
  }

  @Test
  void aChangeThatWasNeverAuthorizedIsCanceledNotClosed() {
    ChangeTicket ticket = board.openChange(request("release/hello/1.4.0"));

    board.closeChange(new CloseChangeRequest(ticket, policy, false, "Approval timed out."));

    assertThat(serviceNow.changes.get(ticket.id())).containsEntry("state", "4")
        .containsEntry("close_code", "unsuccessful").containsEntry("close_notes", "Approval timed out.");
  }

  @Test
  void aWrongTokenIsRefusedNonRetryablyWithServiceNowsAnswerButNotTheToken() {
    ChangeBoardActivities wrong = boardWith(Map.of("SN_TOKEN", "expired-token-123")::get,
        Duration.ofSeconds(5));

    ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class,
        () -> wrong.openChange(request("release/hello/1.4.0")));

    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getType()).isEqualTo(ChangeBoardActivities.REFUSED);
    assertThat(failure.getOriginalMessage()).contains("401").contains("User Not Authenticated")
        .contains("cab.tokenEnv").doesNotContain("expired-token-123");
    assertThat(serviceNow.changes).isEmpty();
  }

  @Test
  void anUnknownChangeIsRefusedNonRetryably() {
    ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class, () -> board.readDecision(
        new ReadDecisionRequest(new ChangeTicket("0".repeat(32), "CHG0000000", null, "servicenow"), policy)));

    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).contains("404").contains("No Record found");
  }

  @Test
  void anOutageIsRetryable() {
    serviceNow.outage = new RecordingServer.Answer(503,
        "<html><body>Instance unavailable: upgrade in progress</body></html>");

    ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class,
        () -> board.openChange(request("release/hello/1.4.0")));

    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(failure.getType()).isEqualTo(ChangeBoardActivities.UNAVAILABLE);
    assertThat(failure.getOriginalMessage()).contains("503").contains("upgrade in progress");
  }

  @Test
  void rateLimitingIsRetryable() {
    serviceNow.outage = new RecordingServer.Answer(429, "{\"error\":{\"message\":\"Rate limit exceeded\"}}");

    ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class,
        () -> board.readDecision(new ReadDecisionRequest(
            new ChangeTicket("a".repeat(32), "CHG1", null, "servicenow"), policy)));

    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(failure.getType()).isEqualTo(ChangeBoardActivities.UNAVAILABLE);
  }

  @Test
  void aTimeoutIsRetryable() throws IOException {
    try (RecordingServer slow = new RecordingServer(r -> {
      Thread.sleep(3_000);
      return new RecordingServer.Answer(200, "{}");
    })) {
      ChangeBoardActivities impatient = boardWith(Map.of("SN_TOKEN", "t")::get, Duration.ofMillis(200));
      CabPolicy slowPolicy = new CabPolicy("servicenow", slow.url(), "SN_TOKEN", null, null, null);

      ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class,
          () -> impatient.readDecision(new ReadDecisionRequest(
              new ChangeTicket("a".repeat(32), "CHG1", null, "servicenow"), slowPolicy)));

      assertThat(failure.isNonRetryable()).isFalse();
      assertThat(failure.getType()).isEqualTo(ChangeBoardActivities.UNAVAILABLE);
      assertThat(failure.getOriginalMessage()).contains("could not be reached").contains("timed out");
    }
  }

  @Test
  void aMissingTokenVariableIsRefusedNamingItBeforeAnyRequest() {
    ChangeBoardActivities noToken = boardWith(Map.<String, String>of()::get, Duration.ofSeconds(5));

    ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class,
        () -> noToken.openChange(request("release/hello/1.4.0")));

    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getType()).isEqualTo(ChangeBoardActivities.CREDENTIAL_MISSING);
    assertThat(failure.getOriginalMessage()).contains("environment variable SN_TOKEN")
        .contains("cab.tokenEnv");
    assertThat(serviceNow.requests()).isEmpty();
  }

  @Test
  void aTokenIsNeverSentInClearToAnotherMachine() {
    CabPolicy plain = new CabPolicy("servicenow", "http://acme.service-now.invalid", "SN_TOKEN", null, null,
        null);

    ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class, () -> board.openChange(
        new ChangeRequest("release/hello/1.4.0", "hello", "1.4.0", "sha256:00", "production", "dana", null,
            plain)));

    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getType()).isEqualTo(ChangeBoardActivities.INVALID_POLICY);
    assertThat(failure.getOriginalMessage()).contains("plain http").contains("https");
  }

  @Test
  void anUnknownBoardTypeIsRefused() {
    CabPolicy jira = new CabPolicy("jira", "https://acme.atlassian.net", "JIRA_TOKEN", null, null, null);

    ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class, () -> board.openChange(
        new ChangeRequest("release/hello/1.4.0", "hello", "1.4.0", "sha256:00", "production", "dana", null,
            jira)));

    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getType()).isEqualTo("UnsupportedChangeBoard");
    assertThat(failure.getOriginalMessage()).contains("'jira'").contains("servicenow, webhook");
  }

  @Test
  void recordsSurviveTemporalsDataConverter() {
    DataConverter converter = GlobalDataConverter.get();
    ChangeRequest request = request("release/hello/1.4.0");
    ChangeTicket ticket = new ChangeTicket("abc", "CHG1", "https://x", "servicenow");

    assertThat(converter.fromPayloads(0, converter.toPayloads(request), ChangeRequest.class,
        ChangeRequest.class)).isEqualTo(request);
    assertThat(converter.fromPayloads(0, converter.toPayloads(new CloseChangeRequest(ticket, policy, true,
        "n")), CloseChangeRequest.class, CloseChangeRequest.class))
        .isEqualTo(new CloseChangeRequest(ticket, policy, true, "n"));
  }
}
