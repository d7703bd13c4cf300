package dev.gantry.workflows.api.cab;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * The change advisory board port. The implementation picks the adapter by {@link CabPolicy#type()}.
 * Every method is idempotent under retry. Failure types: {@link #UNSUPPORTED} and {@link #INVALID_POLICY}
 * and {@link #CREDENTIAL_MISSING} and {@link #REFUSED} are non-retryable; {@link #UNAVAILABLE} is retryable.
 */
@ActivityInterface(namePrefix = "ChangeBoard.")
public interface ChangeBoardActivities {

  /** {@code cab.type} names no board this worker can talk to. Never retried. */
  String UNSUPPORTED = "UnsupportedChangeBoard";
  /** The policy is incomplete (no url, no tokenEnv for ServiceNow, no ticket). Never retried. */
  String INVALID_POLICY = "InvalidChangeBoardPolicy";
  /** The environment variable named by {@code cab.tokenEnv} is not set on the worker. Never retried. */
  String CREDENTIAL_MISSING = "ChangeBoardCredentialMissing";
  /** The board refused the request (HTTP 4xx other than 408/429, or an answer outside the contract). */
  String REFUSED = "ChangeBoardRefused";
  /** The board could not be reached or failed (HTTP 5xx, 408, 429, timeouts). Retried. */
  String UNAVAILABLE = "ChangeBoardUnavailable";

  /**
   * Opens the change, or returns the open change that already carries this request's
   * {@link ChangeRequest#correlationId()}: retries and replays never open a second one.
   */
  @ActivityMethod(name = "ChangeBoard.openChange")
  ChangeTicket openChange(ChangeRequest request);

  /** Reads the board's decision. Boards that cannot be polled always answer {@link CabDecision#PENDING}. */
  @ActivityMethod(name = "ChangeBoard.readDecision")
  CabDecision readDecision(ReadDecisionRequest request);

  /** Records the outcome and closes the change; closing a closed change changes nothing. */
  @ActivityMethod(name = "ChangeBoard.closeChange")
  ChangeTicket closeChange(CloseChangeRequest request);
}
