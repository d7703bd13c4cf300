package dev.gantry.activities.cab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gantry.workflows.api.cab.CabDecision;
import dev.gantry.workflows.api.cab.CabPolicy;
import dev.gantry.workflows.api.cab.ChangeBoardActivities;
import dev.gantry.workflows.api.cab.ChangeRequest;
import dev.gantry.workflows.api.cab.ChangeTicket;
import dev.gantry.workflows.api.cab.CloseChangeRequest;
import dev.gantry.workflows.api.cab.ReadDecisionRequest;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The webhook adapter's small contract, against a local receiver. */
class WebhookChangeBoardTest {
  private final ChangeBoardActivities board =
      ChangeBoardActivitiesImpl.standard(Map.of("CAB_HOOK_TOKEN", "hook-secret")::get);

  private static ChangeRequest request(CabPolicy policy) {
    return new ChangeRequest("release/hello/1.4.0", "hello", "1.4.0", "sha256:abc", "staging", "dana",
        "Adds the greeting endpoint.", policy);
  }

  @Test
  void openingPostsTheChangeAndReadsBackItsIdAndLink() throws IOException {
    try (RecordingServer receiver = new RecordingServer(r ->
        new RecordingServer.Answer(201, "{\"id\":\"CR-17\",\"link\":\"https://cab.example/CR-17\"}"))) {
      CabPolicy policy = new CabPolicy("webhook", receiver.url() + "/changes", "CAB_HOOK_TOKEN", null, null,
          null);

      ChangeTicket ticket = board.openChange(request(policy));

      assertThat(ticket).isEqualTo(new ChangeTicket("CR-17", "CR-17", "https://cab.example/CR-17", "webhook"));
      RecordingServer.Request sent = receiver.requests.get(0);
      assertThat(sent.method()).isEqualTo("POST");
      assertThat(sent.path()).isEqualTo("/changes");
      assertThat(sent.authorization()).isEqualTo("Bearer hook-secret");
      assertThat(sent.idempotencyKey()).isEqualTo("release/hello/1.4.0/staging");
      assertThat(sent.body().path("correlationId").asText()).isEqualTo("release/hello/1.4.0/staging");
      assertThat(sent.body().path("releaseId").asText()).isEqualTo("release/hello/1.4.0");
      assertThat(sent.body().path("artifactDigest").asText()).isEqualTo("sha256:abc");
      assertThat(sent.body().path("environment").asText()).isEqualTo("staging");
      assertThat(sent.body().path("requestedBy").asText()).isEqualTo("dana");
    }
  }

  @Test
  void withoutTokenEnvNoAuthorizationIsSent() throws IOException {
    try (RecordingServer receiver = new RecordingServer(r ->
        new RecordingServer.Answer(200, "{\"id\":\"7\",\"number\":\"CAB-7\"}"))) {
      CabPolicy policy = new CabPolicy("webhook", receiver.url(), null, null, null, null);

      ChangeTicket ticket = board.openChange(request(policy));

      assertThat(ticket.number()).isEqualTo("CAB-7");
      assertThat(ticket.link()).isNull();
      assertThat(receiver.requests.get(0).authorization()).isNull();
    }
  }

  @Test
  void anAnswerWithoutIdBreaksTheContract() throws IOException {
    try (RecordingServer receiver = new RecordingServer(r -> new RecordingServer.Answer(200, "{\"ok\":true}"))) {
      CabPolicy policy = new CabPolicy("webhook", receiver.url(), null, null, null, null);

      ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class,
          () -> board.openChange(request(policy)));

      assertThat(failure.isNonRetryable()).isTrue();
      assertThat(failure.getType()).isEqualTo(ChangeBoardActivities.REFUSED);
      assertThat(failure.getOriginalMessage()).contains("without an \"id\"").contains("{\"ok\":true}");
    }
  }

  @Test
  void theDecisionComesBySignalSoReadingIsPendingWithoutARequest() throws IOException {
    try (RecordingServer receiver = new RecordingServer(r -> new RecordingServer.Answer(500, ""))) {
      CabPolicy policy = new CabPolicy("webhook", receiver.url(), null, null, null, null);

      CabDecision decision = board.readDecision(new ReadDecisionRequest(
          new ChangeTicket("CR-17", "CR-17", null, "webhook"), policy));

      assertThat(decision.state()).isEqualTo(CabDecision.PENDING);
      assertThat(decision.reason()).contains("cabDecision signal");
      assertThat(receiver.requests).isEmpty();
    }
  }

  @Test
  void closingPostsTheOutcomeToClose() throws IOException {
    AtomicReference<String> path = new AtomicReference<>();
    try (RecordingServer receiver = new RecordingServer(r -> {
      path.set(r.path());
      return new RecordingServer.Answer(204, "");
    })) {
      CabPolicy policy = new CabPolicy("webhook", receiver.url() + "/changes/", "CAB_HOOK_TOKEN", null, null,
          null);
      ChangeTicket ticket = new ChangeTicket("CR-17", "CR-17", null, "webhook");

      ChangeTicket closed = board.closeChange(new CloseChangeRequest(ticket, policy, false, "Rolled back."));

      assertThat(closed).isEqualTo(ticket);
      assertThat(path.get()).isEqualTo("/changes/close");
      RecordingServer.Request sent = receiver.requests.get(0);
      assertThat(sent.method()).isEqualTo("POST");
      assertThat(sent.authorization()).isEqualTo("Bearer hook-secret");
      assertThat(sent.body().path("id").asText()).isEqualTo("CR-17");
      assertThat(sent.body().path("successful").asBoolean(true)).isFalse();
      assertThat(sent.body().path("notes").asText()).isEqualTo("Rolled back.");
    }
  }

  @Test
  void aFailingReceiverIsRetryableAndARefusingOneIsNot() throws IOException {
    try (RecordingServer down = new RecordingServer(r -> new RecordingServer.Answer(502, "bad gateway"));
        RecordingServer refusing = new RecordingServer(r ->
            new RecordingServer.Answer(422, "{\"error\":\"environment staging is frozen\"}"))) {
      ApplicationFailure retryable = catchThrowableOfType(ApplicationFailure.class, () -> board.openChange(
          request(new CabPolicy("webhook", down.url(), null, null, null, null))));
      ApplicationFailure refused = catchThrowableOfType(ApplicationFailure.class, () -> board.openChange(
          request(new CabPolicy("webhook", refusing.url(), null, null, null, null))));

      assertThat(retryable.isNonRetryable()).isFalse();
      assertThat(retryable.getType()).isEqualTo(ChangeBoardActivities.UNAVAILABLE);
      assertThat(refused.isNonRetryable()).isTrue();
      assertThat(refused.getType()).isEqualTo(ChangeBoardActivities.REFUSED);
      assertThat(refused.getOriginalMessage()).contains("422").contains("environment staging is frozen");
    }
  }

  @Test
  void aReceiverThatHangsIsRetryableAfterTheRequestTimeout() throws IOException {
    ChangeBoardActivities impatient = new ChangeBoardActivitiesImpl(List.of(new WebhookChangeBoard(
        java.net.http.HttpClient.newHttpClient(), java.time.Duration.ofSeconds(1), Map.<String, String>of()::get)));
    try (RecordingServer hanging = new RecordingServer(r -> {
      Thread.sleep(4_000); // accepts the request, answers far too late
      return new RecordingServer.Answer(200, "{}");
    })) {
      long began = System.nanoTime();
      ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class, () -> impatient.openChange(
          request(new CabPolicy("webhook", hanging.url(), null, null, null, null))));
      double seconds = (System.nanoTime() - began) / 1e9;

      assertThat(failure.getType()).isEqualTo(ChangeBoardActivities.UNAVAILABLE);
      assertThat(failure.isNonRetryable()).isFalse();
      assertThat(seconds).as("the request timeout, not the server's sleep").isLessThan(10);
    }
  }
}
