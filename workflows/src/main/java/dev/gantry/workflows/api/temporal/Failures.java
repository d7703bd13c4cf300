package dev.gantry.workflows.api.temporal;

/** Application failure types, so that retry policies and callers can tell failures apart. */
public final class Failures {
  private Failures() {}

  /** The artifact on disk is not the one the release was started with. Never retried. */
  public static final String ARTIFACT_DIGEST_MISMATCH = "ArtifactDigestMismatch";
  /** The target cannot do what was asked (unknown type, image on a file target). Never retried. */
  public static final String UNSUPPORTED_TARGET = "UnsupportedTarget";
  /** A health check did not pass. Retried per the environment's health check settings. */
  public static final String UNHEALTHY = "Unhealthy";
  /** A region did not reach a healthy deployed state. */
  public static final String REGION_FAILED = "RegionDeploymentFailed";
  /** The approval gate was not satisfied in time. */
  public static final String APPROVAL_TIMED_OUT = "ApprovalTimedOut";
  /** An authorized approver rejected the release. */
  public static final String REJECTED = "ReleaseRejected";
  /** A quality, window or change board gate refused the release. */
  public static final String GATE_FAILED = "GateFailed";
  /** A deployment window policy, freeze or holiday calendar cannot be used. Never retried. */
  public static final String INVALID_WINDOW_POLICY = "InvalidWindowPolicy";
  /** A signature, attestation or key did not prove what the verification policy demands. Never retried. */
  public static final String SIGNATURE_REJECTED = "SignatureRejected";
  /** The request cannot be executed as given (bad plan). */
  public static final String INVALID_REQUEST = "InvalidReleaseRequest";
  /** The request asked for something the platform policy does not allow: never retried. */
  /** An environment rollback refused (by policy, or for its signature); nothing was rolled back. */
  public static final String ROLLBACK_REFUSED = "RollbackRefused";
  /** A drain or failback approval the traffic owner refused (not signed, not allowed, not now). */
  public static final String TRAFFIC_REFUSED = "TrafficMessageRefused";

  public static final String POLICY_REFUSED = "ReleaseRefusedByPolicy";
  /** The release was stopped by an accepted {@code abort} message (signed in a signed release). */
  public static final String ABORTED = "ReleaseAborted";
  /** An AWS resource the target config names does not exist (bucket, function, alias, service, alarm). */
  public static final String AWS_RESOURCE_MISSING = "AwsResourceMissing";
  /** AWS refused the worker's credentials for an action (IAM). Never retried: a person must grant it. */
  public static final String AWS_ACCESS_DENIED = "AwsAccessDenied";
  /** A Kubernetes API server did not answer (down, unreachable, timed out): retried. */
  public static final String KUBERNETES_UNAVAILABLE = "KubernetesUnavailable";
  /** A Kubernetes API server refused the worker's credentials (401) or an action (403). Never retried. */
  public static final String KUBERNETES_ACCESS_DENIED = "KubernetesAccessDenied";
  /** A namespace, Deployment or container the policy names does not exist in the cluster. Never retried. */
  public static final String KUBERNETES_RESOURCE_MISSING = "KubernetesResourceMissing";
}
