package dev.gantry.starter.client;

import dev.gantry.starter.spec.ReleaseSpecLoader;
import dev.gantry.workflows.api.ActorTokens;
import dev.gantry.workflows.api.ApprovalSignal;
import dev.gantry.workflows.api.EnvironmentPlan;
import dev.gantry.workflows.api.EnvironmentRollbackRequest;
import dev.gantry.workflows.api.EnvironmentRollbackResult;
import dev.gantry.workflows.release.FailureReasons;
import dev.gantry.workflows.rollback.EnvironmentRollbackWorkflow;
import dev.gantry.workflows.api.GateDecision;
import dev.gantry.workflows.api.OverrideSignal;
import dev.gantry.workflows.api.PauseSignal;
import dev.gantry.workflows.api.RejectionSignal;
import dev.gantry.workflows.api.ReleaseIds;
import dev.gantry.workflows.api.ReleaseRequest;
import dev.gantry.workflows.api.ReleaseStatus;
import dev.gantry.workflows.api.EnvironmentStatus;
import dev.gantry.workflows.api.RegionState;
import dev.gantry.workflows.api.RegionStatus;
import dev.gantry.workflows.api.ReleaseIds;
import dev.gantry.workflows.api.rollout.CanaryCommand;
import dev.gantry.workflows.api.rollout.CanaryCommandResult;
import dev.gantry.workflows.region.RegionDeploymentWorkflow;
import dev.gantry.workflows.api.SearchAttributes;
import dev.gantry.workflows.api.TaskQueues;
import dev.gantry.workflows.release.ReleaseWorkflow;
import dev.gantry.workflows.api.MessageLimits;
import io.grpc.Status;
import io.temporal.api.enums.v1.HistoryEventFilterType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowExecutionDescription;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowServiceException;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.common.SearchAttributes.Builder;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
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
 */
public class GantryClient implements AutoCloseable {
  private final WorkflowClient client;
  private final WorkflowServiceStubs ownedStubs;
  private final String address;
  /** Signs every message this client sends when set (the profile's signingKey); null: sends them unsigned. */
  private ActorSigner signer;

  public GantryClient(WorkflowClient client) {
    this(client, null, "the configured Temporal service");
  }

  private GantryClient(WorkflowClient client, WorkflowServiceStubs ownedStubs, String address) {
    this.client = client;
    this.ownedStubs = ownedStubs;
    this.address = address;
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
    checkAddress(connection.address());
    WorkflowServiceStubsOptions.Builder options = WorkflowServiceStubsOptions.newBuilder()
        .setTarget(connection.address())
        .setRpcTimeout(Duration.ofSeconds(10))
        // A status query needs a worker to answer; say so after 15 s rather than a minute.
        .setRpcQueryTimeout(Duration.ofSeconds(15));
    if (connection.tlsCert() != null || connection.tlsKey() != null) {
      if (connection.tlsCert() == null || connection.tlsKey() == null) {
        throw new IllegalArgumentException("TLS needs both a client certificate and its key (--tls-cert, --tls-key)");
      }
      try (var cert = java.nio.file.Files.newInputStream(connection.tlsCert());
          var key = java.nio.file.Files.newInputStream(connection.tlsKey())) {
        options.setSslContext(io.temporal.serviceclient.SimpleSslContextBuilder.forPKCS8(cert, key).build());
      } catch (java.io.IOException e) {
        throw new GantryException("cannot read the TLS certificate or key (" + connection.tlsCert() + ", "
            + connection.tlsKey() + "): " + e.getMessage());
      }
    }
    if (connection.apiKey() != null && !connection.apiKey().isBlank()) {
      String key = connection.apiKey();
      options.addApiKey(() -> key).setEnableHttps(true);
    }
    WorkflowServiceStubs stubs;
    String address = connection.address();
    String namespace = connection.namespace();
    try {
      stubs = WorkflowServiceStubs.newServiceStubs(options.build());
    } catch (RuntimeException e) {
      throw new ServerUnavailableException(address, rootCause(e));
    }
    try {
      // One call, not the SDK's health check retried for 5 s: a refused port or an unknown host says so at once.
      stubs.blockingStub().withDeadlineAfter(5, TimeUnit.SECONDS)
          .getSystemInfo(io.temporal.api.workflowservice.v1.GetSystemInfoRequest.getDefaultInstance());
    } catch (StatusRuntimeException e) {
      Status.Code code = e.getStatus().getCode();
      if (code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED) {
        stubs.shutdownNow();
        throw new ServerUnavailableException(address, rootCause(e));
      }
      // it answered (UNIMPLEMENTED, PERMISSION_DENIED, ...): it is there
    }
    WorkflowClient client = WorkflowClient.newInstance(stubs,
        WorkflowClientOptions.newBuilder().setNamespace(namespace).setIdentity(identity()).build());
    return new GantryClient(client, stubs, address);
  }

  /**
   * From now on this client signs the request, approvals, rejections, overrides, pause and resume with
   * the given key (a message that already carries a token is sent as it is). Returns this client.
   */
  public GantryClient signingWith(ActorSigner signer) {
    this.signer = signer;
    return this;
  }

  /** HOST:PORT with a port gRPC can use: a wrong one is a usage error, not a stack trace from gRPC's resolver. */
  static void checkAddress(String address) {
    String shown = dev.gantry.workflows.api.Names.shown(address);
    if (address == null || address.isBlank()) {
      throw new IllegalArgumentException("no Temporal address: use --address HOST:PORT (or GANTRY_ADDRESS)");
    }
    if (address.contains("://")) {
      return; // a target URI (dns:///host:port): gRPC checks it
    }
    int colon = address.lastIndexOf(':');
    if (colon <= 0 || colon == address.length() - 1) {
      throw new IllegalArgumentException("--address " + shown + " is not HOST:PORT (like 127.0.0.1:7233)");
    }
    int port;
    try {
      port = Integer.parseInt(address.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--address " + shown + ": the port is not a number");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("--address " + shown + ": the port must be 1 to 65535");
    }
  }

  public String startRelease(Path specFile) {
    return startRelease(new ReleaseSpecLoader().load(specFile));
  }

  /**
   * The release's one-line summary in the Temporal UI (history and User Metadata tab). The UI renders it as
   * Markdown: it carries no quotes or angle brackets, and points approvers to the Current Details, which
   * the release keeps up to date.
   */
  static String staticSummary(ReleaseRequest request) {
    return markdownSafe(request.application() + " " + request.version() + ", requested by "
        + request.requestedBy() + ". Approvers: Current Details (User Metadata tab) say what to send");
  }

  /** The release's fixed details in the Temporal UI: what is released, copyable values in fenced blocks. */
  static String staticDetails(ReleaseRequest request) {
    String path = request.promotionPath() == null ? "the whole path the platform policy defines"
        : (request.promoteFrom() == null ? "" : request.promoteFrom() + " -> ")
            + String.join(" -> ", request.promotionPath());
    return "Artifact:\n\n```text\n" + fenced(request.artifact().location()) + "\n"
        + fenced(request.artifact().digest()) + "\n```\n\nPromotion:\n\n```text\n" + fenced(path)
        + "\n```\n\nRequest:\n\n```text\n" + fenced(request.specSource()) + "\n```\n\n"
        + "What the release waits for now: Current Details.\n";
  }

  /** A value for a fenced block: one line, no backtick (it could close the fence), bounded. */
  private static String fenced(String value) {
    String line = value == null ? "-" : dev.gantry.workflows.api.MessageLimits.cut(value, 500);
    return line.replace('`', '\'');
  }

  private static String markdownSafe(String text) {
    return dev.gantry.workflows.api.MessageLimits.cut(text, 400).replaceAll("[<>`*\\[\\]\\\\|#~\"'&]", "");
  }

  /**
   * Starts the release and returns its id; a second start of the same version is refused. A promotion that
   * failed or was refused may be started again (a new run of its id); a running or succeeded one is refused.
   */
  public String startRelease(ReleaseRequest request) {
    String releaseId = request.releaseId();
    if (signer != null && request.requestToken() == null && request.artifact() != null) {
      request = request.withRequestToken(signer.sign(releaseId, null, request.artifact().digest(),
          ActorTokens.REQUEST, null, request.requestedBy()));
    }
    Builder attributes = io.temporal.common.SearchAttributes.newBuilder()
        .set(SearchAttributes.APPLICATION, request.application())
        .set(SearchAttributes.VERSION, request.version())
        .set(SearchAttributes.STAGE, "starting")
        .set(SearchAttributes.STATUS, "RUNNING");
    boolean promotion = request.promoteFrom() != null;
    WorkflowOptions options = WorkflowOptions.newBuilder()
        .setWorkflowId(releaseId)
        .setTaskQueue(TaskQueues.RELEASE)
        // A release runs once. A promotion that failed, was refused, terminated, timed out or was cancelled may
        // be attempted again (a new run of the same id); one that succeeded is never repeated (Temporal refuses).
        .setWorkflowIdReusePolicy(promotion ? WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY
            : WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
        .setTypedSearchAttributes(attributes.build())
        .setStaticSummary(staticSummary(request))
        .setStaticDetails(staticDetails(request))
        .build();
    ReleaseWorkflow release = client.newWorkflowStub(ReleaseWorkflow.class, options);
    try {
      WorkflowClient.start(release::run, request);
      return releaseId;
    } catch (WorkflowExecutionAlreadyStarted e) {
      if (promotion) {
        throw promotionNotRepeated(releaseId);
      }
      throw new ReleaseAlreadyExistsException(releaseId);
    } catch (WorkflowServiceException e) {
      throw translate(e, releaseId, "start");
    } catch (StatusRuntimeException e) {
      throw translate(e, releaseId);
    }
  }

  /** Why a promotion cannot start again: it is running, or it succeeded. */
  private GantryException promotionNotRepeated(String promotionId) {
    List<Attempt> attempts;
    try {
      attempts = attempts(promotionId);
    } catch (RuntimeException unreadable) {
      attempts = List.of();
    }
    Attempt last = attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
    if (last != null && last.status() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      return new ReleaseAlreadyExistsException(promotionId, "promotion " + promotionId + " is running (attempt "
          + last.number() + ", run " + last.runId() + "): follow it with `gantry release watch " + promotionId
          + "`; once it has failed or been refused it can be attempted again");
    }
    return new ReleaseAlreadyExistsException(promotionId, "promotion " + promotionId + " already succeeded"
        + (last == null ? "" : " (attempt " + last.number() + ", run " + last.runId() + ")")
        + ": a succeeded promotion is not repeated. `gantry release status " + promotionId + "` shows it.");
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
    String id = normalize(releaseId);
    List<io.temporal.client.WorkflowExecutionMetadata> runs;
    try {
      runs = new java.util.ArrayList<>(client.listExecutions("WorkflowId = '" + id.replace("'", "") + "'").toList());
    } catch (StatusRuntimeException | WorkflowServiceException cannotList) {
      runs = new java.util.ArrayList<>();
      try {
        runs.add(client.newUntypedWorkflowStub(id).describe());
      } catch (WorkflowNotFoundException missing) {
        return List.of();
      }
    }
    runs.sort(java.util.Comparator.comparing(io.temporal.client.WorkflowExecutionMetadata::getStartTime));
    List<Attempt> attempts = new java.util.ArrayList<>();
    for (int i = 0; i < runs.size(); i++) {
      var run = runs.get(i);
      String reason = null;
      if (run.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_FAILED) {
        try {
          client.newUntypedWorkflowStub(id, java.util.Optional.of(run.getExecution().getRunId()),
              java.util.Optional.empty()).getResult(1, TimeUnit.SECONDS, ReleaseStatus.class);
        } catch (WorkflowFailedException failed) {
          reason = MessageLimits.cut(FailureReasons.of(failed), ReleaseExecution.REASON_CHARS);
        } catch (RuntimeException | TimeoutException other) {
          reason = null;
        }
      }
      attempts.add(new Attempt(i + 1, run.getExecution().getRunId(), run.getStatus(),
          run.getStartTime() == null ? null : run.getStartTime().toString(),
          run.getCloseTime() == null ? null : run.getCloseTime().toString(), reason));
    }
    return attempts;
  }

  /**
   * Where the release is, in its own words (the {@code status} query) corrected by Temporal's: a release
   * that Temporal terminated, timed out or cancelled shows as such, even though it never said so itself.
   * A closed release whose query does not answer (no worker, a result too large to read) shows what
   * Temporal knows of it, and why the query failed.
   */
  public ReleaseStatus status(String releaseId) {
    String id = normalize(releaseId);
    ReleaseExecution execution = execution(id);
    ReleaseStatus said;
    try {
      requireWorker(TaskQueues.RELEASE, "the status query of " + id);
      said = onRelease(id, "status query", () -> queryStatus(id));
    } catch (GantryException unanswered) {
      if (!execution.closed() || unanswered instanceof ServerUnavailableException) {
        throw unanswered;
      }
      return execution.withoutQuery(unanswered instanceof NoWorkerException noWorker
          ? "no worker is polling task queue " + noWorker.taskQueue() : unanswered.getMessage());
    }
    return withRollouts(execution.reconcile(said));
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
    List<RegionVerification> checks = new java.util.ArrayList<>();
    var converter = client.getOptions().getDataConverter();
    for (var env : status.environments()) {
      for (var region : env.regions()) {
        if (region.state() == dev.gantry.workflows.api.RegionState.PENDING) {
          continue;
        }
        String child = ReleaseIds.region(status.releaseId(), env.environment(), region.region());
        String outcome = "not required";
        String keyId = null;
        String at = null;
        String detail = null;
        try {
          java.util.Set<Long> verifies = new java.util.HashSet<>();
          for (var event : client.fetchHistory(child).getHistory().getEventsList()) {
            if (event.hasActivityTaskScheduledEventAttributes() && event.getActivityTaskScheduledEventAttributes()
                .getActivityType().getName().equals("Signing.verify")) {
              verifies.add(event.getEventId());
              outcome = "running";
            } else if (event.hasActivityTaskCompletedEventAttributes()
                && verifies.contains(event.getActivityTaskCompletedEventAttributes().getScheduledEventId())) {
              var result = converter.fromPayloads(0, java.util.Optional.of(
                  event.getActivityTaskCompletedEventAttributes().getResult()),
                  dev.gantry.workflows.api.signing.VerificationResult.class,
                  dev.gantry.workflows.api.signing.VerificationResult.class);
              outcome = "pass";
              keyId = result == null ? null : result.keyId();
              detail = result == null ? null : MessageLimits.cut(result.detail(), ReleaseExecution.REASON_CHARS);
              at = java.time.Instant.ofEpochSecond(event.getEventTime().getSeconds(), event.getEventTime().getNanos())
                  .toString();
            } else if (event.hasActivityTaskFailedEventAttributes()
                && verifies.contains(event.getActivityTaskFailedEventAttributes().getScheduledEventId())) {
              outcome = "fail";
              detail = MessageLimits.cut(event.getActivityTaskFailedEventAttributes().getFailure().getMessage(),
                  ReleaseExecution.REASON_CHARS);
              at = java.time.Instant.ofEpochSecond(event.getEventTime().getSeconds(), event.getEventTime().getNanos())
                  .toString();
            }
          }
        } catch (RuntimeException unreadable) {
          outcome = "unknown";
          detail = "the history of " + child + " could not be read";
        }
        checks.add(new RegionVerification(env.environment(), region.region(), outcome, keyId, at, detail));
      }
    }
    return checks;
  }

  /** How long a status query is asked again while the release's last workflow task has failed. */
  private static final Duration FAILED_TASK_PATIENCE = Duration.ofSeconds(15);

  /**
   * The status query, asked again for a while when Temporal refuses it because the release's last workflow
   * task failed or timed out: Temporal retries the task (a worker busy with a burst of large signals, a
   * worker that restarted), and the release answers once it has run.
   */
  private ReleaseStatus queryStatus(String id) {
    long deadline = System.nanoTime() + FAILED_TASK_PATIENCE.toNanos();
    while (true) {
      try {
        return client.newWorkflowStub(ReleaseWorkflow.class, id).status();
      } catch (io.temporal.client.WorkflowQueryException refused) {
        if (!lastTaskFailed(refused) || System.nanoTime() > deadline) {
          throw refused;
        }
        try {
          Thread.sleep(500);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw refused;
        }
      }
    }
  }

  /**
   * Throws {@link NoWorkerException} at once when no worker has polled the task queue lately: a query or an
   * update would otherwise wait for its whole deadline and end in a raw gRPC error.
   */
  public void requireWorker(String taskQueue, String what) {
    Workers.require(client, taskQueue, what);
  }

  private static boolean lastTaskFailed(Throwable refused) {
    for (Throwable cause = refused; cause != null; cause = cause.getCause()) {
      if (cause instanceof StatusRuntimeException status) {
        return status.getStatus().getCode() == Status.Code.FAILED_PRECONDITION;
      }
    }
    return false;
  }

  /** The release as Temporal knows it: its execution status and, once closed, how it closed. */
  public ReleaseExecution execution(String releaseId) {
    String id = normalize(releaseId);
    WorkflowExecutionDescription described;
    try {
      described = client.newUntypedWorkflowStub(id).describe();
    } catch (WorkflowNotFoundException e) {
      throw new ReleaseNotFoundException(id, nearMatches(id));
    } catch (WorkflowServiceException e) {
      if (notFound(e)) {
        throw new ReleaseNotFoundException(id, nearMatches(id));
      }
      throw translate(e, id, "description");
    } catch (StatusRuntimeException e) {
      throw translate(e, id);
    }
    io.temporal.common.SearchAttributes attributes = described.getTypedSearchAttributes();
    WorkflowExecutionStatus status = described.getStatus();
    return new ReleaseExecution(id, status, attributes.get(SearchAttributes.APPLICATION),
        attributes.get(SearchAttributes.VERSION), attributes.get(SearchAttributes.STATUS),
        attributes.get(SearchAttributes.STAGE), String.valueOf(described.getStartTime()),
        described.getCloseTime() == null ? null : String.valueOf(described.getCloseTime()),
        status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED ? closeReason(described)
            : ReleaseExecution.closeReason(status, null, null));
  }

  /** Who terminated the execution and why, from its close event; the bare fact where it cannot be read. */
  private String closeReason(WorkflowExecutionDescription described) {
    String identity = null;
    String reason = null;
    try {
      var closing = client.getWorkflowServiceStubs().blockingStub().getWorkflowExecutionHistory(
          GetWorkflowExecutionHistoryRequest.newBuilder()
              .setNamespace(client.getOptions().getNamespace())
              .setExecution(described.getExecution())
              .setHistoryEventFilterType(HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT)
              .build());
      for (var event : closing.getHistory().getEventsList()) {
        if (event.hasWorkflowExecutionTerminatedEventAttributes()) {
          identity = event.getWorkflowExecutionTerminatedEventAttributes().getIdentity();
          reason = event.getWorkflowExecutionTerminatedEventAttributes().getReason();
        }
      }
    } catch (RuntimeException unreadable) {
      // the state alone still says what happened
    }
    return ReleaseExecution.closeReason(described.getStatus(), identity, reason);
  }

  private static boolean notFound(WorkflowServiceException e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof StatusRuntimeException status) {
        return status.getStatus().getCode() == Status.Code.NOT_FOUND;
      }
    }
    return false;
  }

  /**
   * A region in a progressive rollout keeps its step, weight and analysis in its own workflow (the child
   * {@code release/<app>/<version>/<env>/<region>}), so that steps cost the release's history nothing:
   * the client asks each deploying region and shows its answer in place of the release's line.
   */
  ReleaseStatus withRollouts(ReleaseStatus status) {
    if (status == null || status.environments() == null) {
      return status;
    }
    List<EnvironmentStatus> environments = new java.util.ArrayList<>();
    boolean changed = false;
    for (EnvironmentStatus env : status.environments()) {
      List<RegionStatus> regions = new java.util.ArrayList<>();
      for (RegionStatus region : env.regions()) {
        RegionStatus live = region;
        if (region.state() == RegionState.DEPLOYING) {
          try {
            RegionStatus child = client.newWorkflowStub(RegionDeploymentWorkflow.class,
                ReleaseIds.region(status.releaseId(), env.environment(), region.region())).status();
            if (child != null && child.rollout() != null) {
              live = new RegionStatus(region.region(), region.state(), region.previousVersion(), child.detail(),
                  child.rollout());
              changed = true;
            }
          } catch (RuntimeException notThere) {
            // not started yet, or no worker answers: the release's own line stands
          }
        }
        regions.add(live);
      }
      environments.add(new EnvironmentStatus(env.environment(), env.state(), regions, env.waitingFor()));
    }
    if (!changed) {
      return status;
    }
    return new ReleaseStatus(status.releaseId(), status.application(), status.version(), status.artifactDigest(),
        status.requestedBy(), status.state(), status.stage(), environments, status.approvals(), status.timeline(),
        status.startedAt(), status.finishedAt(), status.failureReason(), status.overrides(), status.gates(),
        status.signatures(), status.policy(), status.omitted(), status.auditHead());
  }

  /**
   * Sends a canary command ({@code canaryCommand} update, validated) to one region, or to every region of
   * the environment whose rollout is in progress when {@code region} is null. Refused: {@link GateRefusedException}.
   */
  public List<CanaryCommandResult> canary(String releaseId, String environment, String region,
      CanaryCommand command) {
    String id = normalize(releaseId);
    ReleaseExecution execution = execution(id);
    if (execution.closed()) {
      throw new ReleaseClosedException(execution, "canary command");
    }
    requireWorker(TaskQueues.RELEASE, "the canary " + command.action() + " of " + id);
    ReleaseStatus status = onRelease(id, "status query", () -> client.newWorkflowStub(ReleaseWorkflow.class, id)
        .status());
    EnvironmentStatus env = status.environments().stream().filter(e -> e.environment().equals(environment))
        .findFirst().orElseThrow(() -> new GantryException(id + " has no environment " + environment + " (it has "
            + String.join(", ", status.environments().stream().map(EnvironmentStatus::environment).toList()) + ")"));
    List<String> regions = region != null ? List.of(region) : env.regions().stream()
        .filter(r -> r.state() == RegionState.DEPLOYING).map(RegionStatus::region).toList();
    if (region != null && env.regions().stream().noneMatch(r -> r.region().equals(region))) {
      throw new GantryException(environment + " of " + id + " has no region " + region);
    }
    if (regions.isEmpty()) {
      throw new GateRefusedException(command.action(), "no region of " + environment + " is rolling out " + id
          + " now");
    }
    List<CanaryCommandResult> results = new java.util.ArrayList<>();
    for (String name : regions) {
      String child = ReleaseIds.region(id, environment, name);
      results.add(onRelease(child, command.action(), () -> {
        try {
          return client.newWorkflowStub(RegionDeploymentWorkflow.class, child).command(command);
        } catch (WorkflowUpdateException e) {
          throw new GateRefusedException(command.action() + " of " + name, FailureReasons.of(e));
        }
      }));
    }
    return results;
  }

  /**
   * Runs one call about an existing release, turning Temporal's errors into Gantry's: a message to a
   * release that has ended says so (Temporal answers it as if there were no such workflow), a query that
   * failed says why in a line, never as a stack trace.
   */
  private <T> T onRelease(String id, String what, java.util.function.Supplier<T> call) {
    try {
      return call.get();
    } catch (WorkflowNotFoundException e) {
      throw closedOrMissing(id, what);
    } catch (WorkflowServiceException e) {
      if (notFound(e)) {
        throw closedOrMissing(id, what);
      }
      throw translate(e, id, what);
    } catch (StatusRuntimeException e) {
      throw translate(e, id);
    } catch (WorkflowException e) {
      throw new GantryException("the " + what + " of " + id + " failed: "
          + MessageLimits.cut(FailureReasons.of(e), ReleaseExecution.REASON_CHARS), e);
    }
  }

  /** A call found no running release: it has ended (and says how), or there is none. */
  private GantryException closedOrMissing(String id, String what) {
    ReleaseExecution execution = execution(id);
    if (execution.closed()) {
      return new ReleaseClosedException(execution, what);
    }
    return new GantryException("the " + what + " of " + id + " found no release, yet Temporal lists it as "
        + execution.status() + ": try again");
  }

  /** A query or update that the service took but nobody answered: usually no worker is running. */
  private GantryException translate(WorkflowServiceException e, String id, String what) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof StatusRuntimeException status) {
        Status.Code code = status.getStatus().getCode();
        if (code == Status.Code.DEADLINE_EXCEEDED) {
          return new GantryException("the " + what + " of " + id + " got no answer: is a Gantry worker"
              + " running on task queue " + TaskQueues.RELEASE + " (./gantry dev, ./gantry worker)?", e);
        }
        return translate(status, id);
      }
    }
    return new GantryException("the " + what + " of " + id + " failed: " + FailureReasons.of(e), e);
  }

  /**
   * Approves the open gate through the {@code submitApproval} update: a refusal (unknown approver, wrong
   * digest, ...) comes back at once as {@link GateRefusedException}. A null digest means "the digest this
   * release deploys", read from its status first.
   */
  public GateDecision approve(String releaseId, ApprovalSignal approval) {
    String id = normalize(releaseId);
    boolean signs = signer != null && approval.token() == null;
    ReleaseStatus status = approval.digest() == null || (signs && approval.environment() == null) ? status(id) : null;
    String digest = approval.digest() != null ? approval.digest() : status.artifactDigest();
    String token = !signs ? approval.token()
        : signer.sign(id, approval.environment() != null ? approval.environment() : openGate(status, id),
            normalizedDigest(digest), ActorTokens.APPROVE, null, approval.approver());
    ApprovalSignal named = new ApprovalSignal(approval.approver(), approval.comment(), approval.environment(),
        digest, approval.version(), token, null);
    return update(id, "approval", stub -> stub.submitApproval(named));
  }

  /** Rejects the open gate ({@code submitRejection} update): the release stops with the reason. */
  public GateDecision reject(String releaseId, RejectionSignal rejection) {
    String id = normalize(releaseId);
    RejectionSignal signed = rejection;
    if (signer != null && rejection.token() == null) {
      ReleaseStatus status = status(id);
      signed = new RejectionSignal(rejection.approver(), rejection.reason(), rejection.environment(),
          signer.sign(id, rejection.environment() != null ? rejection.environment() : openGate(status, id),
              status.artifactDigest(), ActorTokens.REJECT, null, rejection.approver()), null);
    }
    RejectionSignal sent = signed;
    return update(id, "rejection", stub -> stub.submitRejection(sent));
  }

  /** Emergency override of one gate ({@code submitOverride} update). */
  public GateDecision override(String releaseId, OverrideSignal override) {
    String id = normalize(releaseId);
    OverrideSignal signed = override;
    if (signer != null && override.token() == null) {
      ReleaseStatus status = status(id);
      String environment = override.environment() != null ? override.environment() : currentEnvironment(status);
      if (environment == null) {
        throw new GantryException("cannot tell which environment " + id + " is at: pass --environment");
      }
      signed = new OverrideSignal(override.approver(), override.gate(), override.justification(),
          override.incident(), environment, null, signer.sign(id, environment, status.artifactDigest(),
              ActorTokens.OVERRIDE, override.gate() == null ? null : override.gate().trim(), override.approver()));
    }
    OverrideSignal sent = signed;
    return update(id, "override", stub -> stub.submitOverride(sent));
  }

  /** The environment whose approval gate is open, from the release's stage ({@code approval:<env>}). */
  private static String openGate(ReleaseStatus status, String id) {
    String stage = status.stage();
    if (stage != null && stage.startsWith("approval:")) {
      return stage.substring("approval:".length());
    }
    throw new GantryException("no approval gate of " + id + " is open now (stage " + stage + "): pass"
        + " --environment, or wait until `gantry release status " + id + "` shows it awaiting approval");
  }

  /** Where the release is: the environment of its stage ({@code <step>:<env>}), else the first not deployed. */
  private static String currentEnvironment(ReleaseStatus status) {
    String stage = status.stage();
    if (stage != null && stage.contains(":")) {
      return stage.substring(stage.indexOf(':') + 1);
    }
    return status.environments() == null ? null : status.environments().stream()
        .filter(env -> env.state() != dev.gantry.workflows.api.EnvironmentState.DEPLOYED)
        .map(dev.gantry.workflows.api.EnvironmentStatus::environment).findFirst().orElse(null);
  }

  private static String normalizedDigest(String digest) {
    String trimmed = digest.trim();
    return trimmed.startsWith("sha256:") ? trimmed : "sha256:" + trimmed;
  }

  /** A pause or resume signed for this release when this client signs. */
  private PauseSignal signed(String id, PauseSignal signal, String action) {
    if (signer == null || signal.token() != null) {
      return signal;
    }
    return signal.withToken(signer.sign(id, null, status(id).artifactDigest(), action, null, signal.by()));
  }

  private GateDecision update(String id, String what,
      java.util.function.Function<ReleaseWorkflow, GateDecision> call) {
    ReleaseExecution execution = execution(id);
    if (execution.closed()) {
      throw new ReleaseClosedException(execution, what);
    }
    requireWorker(TaskQueues.RELEASE, "the " + what + " of " + id);
    GateDecision decision = onRelease(id, what, () -> {
      try {
        return call.apply(client.newWorkflowStub(ReleaseWorkflow.class, id));
      } catch (WorkflowUpdateException e) {
        throw new GateRefusedException(what, FailureReasons.of(e));
      }
    });
    if (!decision.accepted()) {
      throw new GateRefusedException(what, decision.detail());
    }
    return decision;
  }

  /** One release as the server's visibility store lists it. */
  public record ReleaseSummary(String releaseId, String application, String version, String status,
      String stage, String environment, String startedAt, String closedAt) {}

  /**
   * Lists releases by their search attributes, newest first. Filters are exact matches; null means any.
   * Needs a server with visibility (dev server, cluster): the Java test server cannot list.
   */
  public List<ReleaseSummary> list(String application, String environment, String status, int limit) {
    StringBuilder query = new StringBuilder("WorkflowType = 'Release'");
    appendFilter(query, SearchAttributes.APPLICATION.getName(), application);
    appendFilter(query, SearchAttributes.ENVIRONMENT.getName(), environment);
    if (status != null && !status.isBlank()) {
      query.append(" AND ").append(ReleaseExecution.listFilter(status));
    }
    try {
      return client.listExecutions(query.toString())
          .limit(limit)
          .map(execution -> {
            io.temporal.common.SearchAttributes attributes = execution.getTypedSearchAttributes();
            // Temporal's word on a closed release outranks the status the release last published.
            // Whoever starts a workflow sets its id and search attributes: shown on one line, cut.
            return new ReleaseSummary(listed(execution.getExecution().getWorkflowId()),
                listed(attributes.get(SearchAttributes.APPLICATION)), listed(attributes.get(SearchAttributes.VERSION)),
                ReleaseExecution.listed(execution.getStatus(), attributes.get(SearchAttributes.STATUS)),
                listed(attributes.get(SearchAttributes.STAGE)),
                listed(attributes.get(SearchAttributes.ENVIRONMENT)), String.valueOf(execution.getStartTime()),
                execution.getCloseTime() == null ? null : String.valueOf(execution.getCloseTime()));
          })
          .toList();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
        throw new GantryException("this Temporal server cannot list workflows (the Java test server has no"
            + " visibility store): use the dev server (scripts/test-tools.sh) or a cluster");
      }
      throw translate(e, "the release list");
    }
  }

  /** A value from visibility as a list shows it. */
  private static String listed(String value) {
    return MessageLimits.cut(value, 200);
  }

  /** Release ids close to a mistyped one, from visibility; none where the server cannot list. */
  List<String> nearMatches(String releaseId) {
    try {
      return client.listExecutions("WorkflowType = 'Release'")
          .limit(500)
          .map(execution -> execution.getExecution().getWorkflowId())
          .distinct()
          .filter(candidate -> distance(candidate, releaseId) <= 3)
          .sorted(java.util.Comparator.comparingInt(candidate -> distance(candidate, releaseId)))
          .limit(3)
          .toList();
    } catch (RuntimeException e) {
      return List.of();
    }
  }

  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
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
    String id = normalize(releaseId);
    ReleaseRequest release = releaseRequestOf(id);
    if (release.environments() != null && !release.environments().isEmpty()
        && release.environment(environment).isEmpty()) {
      // a convenience for typos: the worker's policy decides what the environment is
      throw new IllegalArgumentException("release " + id + " has no environment '" + environment + "'; it has "
          + String.join(", ", release.environments().stream().map(EnvironmentPlan::name).toList()));
    }
    String digest = release.artifact() == null ? null : release.artifact().digest();
    if (token == null && signer != null) {
      token = signer.sign(id, environment, digest, ActorTokens.ROLLBACK, null, requestedBy);
    }
    EnvironmentRollbackRequest request = EnvironmentRollbackRequest.of(id, release.application(),
        release.version(), digest, environment, requestedBy, reason, token);
    EnvironmentRollbackWorkflow rollback = client.newWorkflowStub(EnvironmentRollbackWorkflow.class,
        WorkflowOptions.newBuilder()
            .setWorkflowId(request.workflowId() + "/" + System.currentTimeMillis())
            .setTaskQueue(TaskQueues.RELEASE)
            .setStaticSummary("rollback of " + release.application() + " " + release.version() + " in "
                + environment + " by " + requestedBy)
            .build());
    ReleaseStatus status = status(id);
    if (!status.state().isFinal()) {
      throw new GantryException("release " + id + " is still " + status.state() + ": abort it first"
          + " (`gantry release abort " + id + " --reason ...`), then roll back");
    }
    requireWorker(TaskQueues.RELEASE, "the rollback of " + id + " in " + environment);
    try {
      WorkflowClient.start(rollback::rollBack, request);
      return WorkflowStub.fromTyped(rollback).getResult(timeout.toMillis(), TimeUnit.MILLISECONDS,
          EnvironmentRollbackResult.class);
    } catch (TimeoutException e) {
      throw new GantryException("the rollback of " + id + " in " + environment + " is still running after "
          + timeout + ": follow workflow " + request.workflowId() + "/... in the Temporal UI");
    } catch (WorkflowFailedException e) {
      throw new GantryException("the rollback of " + id + " in " + environment + " failed: "
          + FailureReasons.of(e), e);
    } catch (StatusRuntimeException e) {
      throw translate(e, id);
    }
  }

  /**
   * The plan the release ran, from its history: the result of its {@code Policy.resolvePlan} activity (what
   * the worker's policy decided), or, for a release started before policy, its input.
   */
  private ReleaseRequest releaseRequestOf(String id) {
    return onRelease(id, "history", () -> {
      var converter = client.getOptions().getDataConverter();
      var events = client.fetchHistory(id).getHistory().getEventsList();
      java.util.Set<Long> planActivities = new java.util.HashSet<>();
      for (var event : events) {
        if (event.hasActivityTaskScheduledEventAttributes()
            && event.getActivityTaskScheduledEventAttributes().getActivityType().getName().equals("Policy.resolvePlan")) {
          planActivities.add(event.getEventId());
        } else if (event.hasActivityTaskCompletedEventAttributes()
            && planActivities.contains(event.getActivityTaskCompletedEventAttributes().getScheduledEventId())) {
          return converter.fromPayloads(0, java.util.Optional.of(
              event.getActivityTaskCompletedEventAttributes().getResult()), ReleaseRequest.class, ReleaseRequest.class);
        }
      }
      var started = events.get(0).getWorkflowExecutionStartedEventAttributes();
      ReleaseRequest input = converter.fromPayloads(0, java.util.Optional.of(started.getInput()), ReleaseRequest.class,
          ReleaseRequest.class);
      if (input == null || !input.isPlan() || !planActivities.isEmpty()) {
        throw new GantryException("release " + id + " has no resolved plan in its history (it was refused or is"
            + " still resolving): there is nothing to roll back");
      }
      return input;
    });
  }

  /** Pauses the release before its next step ({@code pause} signal). */
  public void pause(String releaseId, PauseSignal pause) {
    String id = normalize(releaseId);
    PauseSignal sent = signed(id, pause, ActorTokens.PAUSE);
    signal(id, "pause", stub -> stub.pause(sent));
  }

  /** Lets a paused release go on ({@code resume} signal). */
  public void resume(String releaseId, PauseSignal resume) {
    String id = normalize(releaseId);
    PauseSignal sent = signed(id, resume, ActorTokens.RESUME);
    signal(id, "resume", stub -> stub.resume(sent));
  }

  private void signal(String id, String what, java.util.function.Consumer<ReleaseWorkflow> send) {
    onRelease(id, what, () -> {
      send.accept(client.newWorkflowStub(ReleaseWorkflow.class, id));
      return null;
    });
  }

  /**
   * Stops the release where it is, saying who and why: a client that signs sends the signed {@code abort}
   * message (what a signed release requires); one that does not cancels the workflow, as before.
   */
  public void abort(String releaseId, String reason, String by) {
    if (signer == null) {
      cancel(releaseId, reason, by);
      return;
    }
    String id = normalize(releaseId);
    ReleaseExecution execution = execution(id);
    if (execution.closed()) {
      throw new ReleaseClosedException(execution, "abort");
    }
    PauseSignal sent = signed(id, new PauseSignal(by, reason), ActorTokens.ABORT);
    signal(id, "abort", stub -> stub.abort(sent));
  }

  /** Cancels the release: it stops where it is, undoes an in-flight region, closes its open changes. */
  public void abort(String releaseId, String reason) {
    cancel(releaseId, reason, null);
  }

  /**
   * Cancels the release with the reason and who asks (both go into its trail); a release that has already
   * ended is refused ({@link ReleaseClosedException}): Temporal would take the cancel and do nothing.
   */
  private void cancel(String releaseId, String reason, String by) {
    String id = normalize(releaseId);
    ReleaseExecution execution = execution(id);
    if (execution.closed()) {
      throw new ReleaseClosedException(execution, "abort");
    }
    onRelease(id, "abort", () -> {
      client.newUntypedWorkflowStub(id).cancel(dev.gantry.workflows.release.Aborts.reason(by, reason));
      return null;
    });
  }

  private static void appendFilter(StringBuilder query, String attribute, String value) {
    if (value == null || value.isBlank()) {
      return;
    }
    if (!value.matches("[A-Za-z0-9._+-]+")) {
      throw new IllegalArgumentException("filter value '" + value + "' for " + attribute
          + " may only contain letters, digits and . _ + -");
    }
    query.append(" AND ").append(attribute).append(" = '").append(value).append("'");
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
      throw new ReleaseNotFoundException(id, nearMatches(id));
    } catch (StatusRuntimeException e) {
      throw translate(e, id);
    }
  }

  public WorkflowClient workflowClient() {
    return client;
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

  private GantryException translate(StatusRuntimeException e, String releaseId) {
    Status.Code code = e.getStatus().getCode();
    if (code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED) {
      return new ServerUnavailableException(address, e);
    }
    if (code == Status.Code.NOT_FOUND) {
      return new ReleaseNotFoundException(releaseId);
    }
    return new GantryException("Temporal refused the call for " + releaseId + ": " + e.getStatus(), e);
  }

  private static Throwable rootCause(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause;
  }

  private static String identity() {
    String user = System.getProperty("user.name", "unknown");
    return "gantry-client:" + user;
  }

  @Override
  public void close() {
    if (ownedStubs != null) {
      ownedStubs.shutdown();
      ownedStubs.awaitTermination(2, TimeUnit.SECONDS);
    }
  }
}
