package dev.gantry.starter.client;

import dev.gantry.starter.spec.ReleaseSpecLoader;
import dev.gantry.workflows.api.approval.ApprovalSignal;
import dev.gantry.workflows.api.approval.GateDecision;
import dev.gantry.workflows.api.approval.OverrideSignal;
import dev.gantry.workflows.api.approval.RejectionSignal;
import dev.gantry.workflows.api.release.PauseSignal;
import dev.gantry.workflows.api.release.ReleaseIds;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.release.ReleaseStatus;
import dev.gantry.workflows.api.rollback.EnvironmentRollbackResult;
import dev.gantry.workflows.api.rollout.CanaryCommand;
import dev.gantry.workflows.api.rollout.CanaryCommandResult;
import dev.gantry.workflows.release.FailureReasons;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowStub;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starts and follows releases from Java. Build it from a {@link WorkflowClient} you already have, or
 * from an address:
 *
 * <pre>{@code
 * GantryClient gantry = GantryClient.connect("127.0.0.1:7233", "default");
 * String id = gantry.startRelease(Path.of("examples/release.yaml"));
 * gantry.approve(id, ApprovalSignal.of("alice", null, "looks good")); // null: the digest it deploys
 * ReleaseStatus report = gantry.awaitCompletion(id, Duration.ofHours(1));
 * }</pre>
 *
 * <p>This class is the client's one entry point; each concern behind it has a class of its own in this
 * package: {@link ReleaseStarts}, {@link ReleaseStatuses}, {@link ReleaseMessages}, {@link ReleaseListing},
 * {@link ReleaseHistories}, {@link EnvironmentRollbacks}, {@link Canaries}, with Temporal's errors turned
 * into Gantry's in one place ({@link ReleaseCalls}).
 */
public class GantryClient implements AutoCloseable {
  private final WorkflowClient client;
  /** The connection this client opened and closes; null for a client built on a {@link WorkflowClient}. */
  private final TemporalConnections.Opened ownedConnection;
  private final ReleaseCalls calls;
  private final ReleaseAttempts attempts;
  private final ReleaseStarts starts;
  private final ReleaseStatuses statuses;
  private final ReleaseHistories histories;
  private final ReleaseMessages messages;
  private final ReleaseListing listing;
  private final EnvironmentRollbacks rollbacks;
  private final Canaries canaries;
  /** Signs every message this client sends when set (the profile's signingKey); null: sends them unsigned. */
  private ActorSigner signer;

  public GantryClient(WorkflowClient client) {
    this(client, null, "the configured Temporal service");
  }

  private GantryClient(WorkflowClient client, TemporalConnections.Opened ownedConnection, String address) {
    this.client = client;
    this.ownedConnection = ownedConnection;
    this.calls = new ReleaseCalls(client, address);
    this.attempts = new ReleaseAttempts(client);
    this.starts = new ReleaseStarts(client, calls, attempts);
    this.statuses = new ReleaseStatuses(client, calls);
    this.histories = new ReleaseHistories(client, calls);
    this.messages = new ReleaseMessages(client, calls, statuses);
    this.listing = new ReleaseListing(client, calls);
    this.rollbacks = new EnvironmentRollbacks(client, calls, statuses, histories);
    this.canaries = new Canaries(client, calls);
  }

  /** Connects and checks the server answers within 5 s, else {@link ServerUnavailableException}. */
  public static GantryClient connect(String address, String namespace) {
    return connect(new Connection(address, namespace, null, null, null));
  }

  /**
   * Where and how to reach Temporal. TLS when a client certificate and key (PEM, PKCS#8) are given or an
   * API key is used; the API key itself never appears in errors or output.
   */
  public record Connection(String address, String namespace, Path tlsCert, Path tlsKey, String apiKey) {}

  public static GantryClient connect(Connection connection) {
    TemporalConnections.Opened opened = TemporalConnections.open(connection);
    return new GantryClient(TemporalConnections.client(opened.stubs(), connection.namespace()), opened,
        connection.address());
  }

  /**
   * From now on this client signs the request, approvals, rejections, overrides, pause and resume with
   * the given key (a message that already carries a token is sent as it is). Returns this client.
   */
  public GantryClient signingWith(ActorSigner signer) {
    this.signer = signer;
    return this;
  }

  /** This client's signing key, or null: for messages to workflows other than releases (destroy approvals). */
  public ActorSigner signer() {
    return signer;
  }

  /** The traffic owners (region drain, failback, status), signing with this client's key if it has one. */
  public RegionFailovers traffic() {
    return new RegionFailovers(client, signer);
  }

  public String startRelease(Path specFile) {
    return startRelease(new ReleaseSpecLoader().load(specFile));
  }

  /**
   * Starts the release and returns its id; a second start of the same version is refused. A promotion that
   * failed or was refused may be started again (a new run of its id); a running or succeeded one is refused.
   */
  public String startRelease(ReleaseRequest request) {
    return starts.start(request, signer);
  }

  /**
   * One attempt (run) of a release or promotion id, oldest first.
   *
   * @param number  1 for the first run of the id
   * @param status  Temporal's status of the run
   * @param reason  why it failed, when it failed and Temporal says (bounded), else null
   */
  public record Attempt(int number, String runId, WorkflowExecutionStatus status, String startedAt, String closedAt,
      String reason) {
    /** RUNNING, COMPLETED, FAILED, TERMINATED, ... as Temporal says. */
    public String state() {
      return status.name().replace("WORKFLOW_EXECUTION_STATUS_", "");
    }
  }

  /**
   * Every attempt of a promotion (or release) id, oldest first: each run is listed by the visibility store.
   * A server that cannot list (the Java test server) gives the latest run only.
   */
  public List<Attempt> attempts(String releaseId) {
    return attempts.of(releaseId);
  }

  /**
   * Where the release is, in its own words (the {@code status} query) corrected by Temporal's: a release
   * that Temporal terminated, timed out or cancelled shows as such, even though it never said so itself.
   * A closed release whose query does not answer (no worker, a result too large to read) shows what
   * Temporal knows of it, and why the query failed.
   */
  public ReleaseStatus status(String releaseId) {
    return statuses.status(releaseId);
  }

  /**
   * A region's signature check before its deploy, as the region's child workflow recorded it in its history.
   *
   * @param outcome pass, fail, not required (no check ran), running, or unknown (the history could not be read)
   * @param keyId   the trusted key that verified (pass only)
   * @param at      when the check ended (Temporal's time)
   */
  public record RegionVerification(String environment, String region, String outcome, String keyId, String at,
      String detail) {}

  /**
   * Each region's signature check, read from the histories of the release's region workflows (one history read
   * per region the status lists).
   */
  public List<RegionVerification> regionVerifications(ReleaseStatus status) {
    return histories.regionVerifications(status);
  }

  /**
   * Throws {@link NoWorkerException} at once when no worker has polled the task queue lately: a query or an
   * update would otherwise wait for its whole deadline and end in a raw gRPC error.
   */
  public void requireWorker(String taskQueue, String what) {
    calls.requireWorker(taskQueue, what);
  }

  /** The release as Temporal knows it: its execution status and, once closed, how it closed. */
  public ReleaseExecution execution(String releaseId) {
    return calls.execution(releaseId);
  }

  /**
   * Sends a canary command ({@code canaryCommand} update, validated) to one region, or to every region of
   * the environment whose rollout is in progress when {@code region} is null. Refused: {@link GateRefusedException}.
   */
  public List<CanaryCommandResult> canary(String releaseId, String environment, String region,
      CanaryCommand command) {
    return canaries.send(releaseId, environment, region, command);
  }

  /**
   * Approves the open gate through the {@code submitApproval} update: a refusal (unknown approver, wrong
   * digest, ...) comes back at once as {@link GateRefusedException}. A null digest means "the digest this
   * release deploys", read from its status first.
   */
  public GateDecision approve(String releaseId, ApprovalSignal approval) {
    return messages.approve(normalize(releaseId), approval, signer);
  }

  /** Rejects the open gate ({@code submitRejection} update): the release stops with the reason. */
  public GateDecision reject(String releaseId, RejectionSignal rejection) {
    return messages.reject(normalize(releaseId), rejection, signer);
  }

  /** Emergency override of one gate ({@code submitOverride} update). */
  public GateDecision override(String releaseId, OverrideSignal override) {
    return messages.override(normalize(releaseId), override, signer);
  }

  /** One release as the server's visibility store lists it. */
  public record ReleaseSummary(String releaseId, String application, String version, String status,
      String stage, String environment, String startedAt, String closedAt) {}

  /**
   * Lists releases by their search attributes, newest first. Filters are exact matches; null means any.
   * Needs a server with visibility (dev server, cluster): the Java test server cannot list.
   */
  public List<ReleaseSummary> list(String application, String environment, String status, int limit) {
    return listing.list(application, environment, status, limit);
  }

  /**
   * Rolls one environment of a finished (or failed) release back to what its regions ran before, as an
   * {@code EnvironmentRollback} workflow, and waits for it. The request names the release and environment
   * only: the worker resolves the environment's regions and target from its platform policy. With a signer
   * ({@link #signingWith}) the request carries a {@code rollback} token signed for {@code requestedBy}, which
   * environments with signed actors require.
   */
  public EnvironmentRollbackResult rollback(String releaseId, String environment, String requestedBy,
      String reason, Duration timeout) {
    return rollback(releaseId, environment, requestedBy, reason, null, timeout);
  }

  /** As {@link #rollback(String, String, String, String, Duration)} with a token minted elsewhere (or null). */
  public EnvironmentRollbackResult rollback(String releaseId, String environment, String requestedBy,
      String reason, String token, Duration timeout) {
    return rollbacks.rollback(releaseId, environment, requestedBy, reason, token, timeout, signer);
  }

  /** Pauses the release before its next step ({@code pause} signal). */
  public void pause(String releaseId, PauseSignal pause) {
    messages.pause(normalize(releaseId), pause, signer);
  }

  /** Lets a paused release go on ({@code resume} signal). */
  public void resume(String releaseId, PauseSignal resume) {
    messages.resume(normalize(releaseId), resume, signer);
  }

  /**
   * Stops the release where it is, saying who and why: a client that signs sends the signed {@code abort}
   * message (what a signed release requires); one that does not cancels the workflow, as before.
   */
  public void abort(String releaseId, String reason, String by) {
    messages.abort(normalize(releaseId), reason, by, signer);
  }

  /** Cancels the release: it stops where it is, undoes an in-flight region, closes its open changes. */
  public void abort(String releaseId, String reason) {
    messages.cancel(normalize(releaseId), reason, null);
  }

  /** Waits for the release to end; returns the report or throws {@link ReleaseFailedException}. */
  public ReleaseStatus awaitCompletion(String releaseId, Duration timeout) throws TimeoutException {
    String id = normalize(releaseId);
    WorkflowStub stub = client.newUntypedWorkflowStub(id);
    try {
      return stub.getResult(timeout.toMillis(), TimeUnit.MILLISECONDS, ReleaseStatus.class);
    } catch (WorkflowFailedException e) {
      throw new ReleaseFailedException(id, FailureReasons.of(e), status(id));
    } catch (WorkflowNotFoundException e) {
      throw new ReleaseNotFoundException(id, ReleaseIdSuggestions.near(client, id));
    } catch (StatusRuntimeException e) {
      throw calls.translate(e, id);
    }
  }

  public WorkflowClient workflowClient() {
    return client;
  }

  /**
   * {@code environment/region} to what the region's running activity last said of itself (its heartbeat: where a
   * rollout stands), for each region deploying or rolling back; one describe per such region.
   */
  public java.util.Map<String, String> regionProgress(ReleaseStatus status) {
    return RegionProgress.of(client, status);
  }

  /** Accepts {@code release/app/1.0} and the short form {@code app/1.0}. */
  public static String normalize(String releaseId) {
    if (releaseId.startsWith("release/") || releaseId.startsWith("promotion/")) {
      return releaseId;
    }
    int slash = releaseId.indexOf('/');
    if (slash > 0) {
      return ReleaseIds.release(releaseId.substring(0, slash), releaseId.substring(slash + 1));
    }
    throw new IllegalArgumentException("'" + releaseId + "' is not a release id: use"
        + " release/<app>/<version> (or <app>/<version>)");
  }

  @Override
  public void close() {
    if (ownedConnection != null) {
      ownedConnection.close();
    }
  }
}
