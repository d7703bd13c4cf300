package dev.gantry.activities.signing;

import dev.gantry.activities.audit.SignatureAuditLog;
import dev.gantry.workflows.api.signing.SignRequest;
import dev.gantry.workflows.api.signing.SignatureRef;
import dev.gantry.workflows.api.signing.SigningActivities;
import dev.gantry.workflows.api.signing.SigningPolicy;
import dev.gantry.workflows.api.signing.VerificationResult;
import dev.gantry.workflows.api.signing.VerifyRequest;
import dev.gantry.workflows.api.temporal.Failures;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInfo;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The signing port on the worker. The key is opened per call from the reference in the request (a file
 * or a KMS key) and the password from the worker's environment variable the spec names: neither ever
 * enters the history. Rejections are non-retryable and recorded in the signature audit log, as are
 * successes.
 */
public class SigningActivitiesImpl implements SigningActivities {
  static final String BUILDER_ID = "https://gantry.dev/worker/v1";
  static final String BUILD_TYPE = "https://gantry.dev/release/v1";

  private final ArtifactSigner signer;
  /** Beside the signatures it stores: what this worker saw of its trusted keys files, append-only. */
  static final String LEDGER_FILE = "revocation-ledger.jsonl";
  private final ArtifactVerifier verifier;
  private final SignatureAuditLog audit;
  private final Function<String, String> environment;
  private final Function<String, KmsClient> kmsClients;
  private final Clock clock;

  public SigningActivitiesImpl(Path signatureStore, SignatureAuditLog audit, Function<String, String> environment,
      Function<String, KmsClient> kmsClients, Clock clock) {
    this(signatureStore, signatureStore.resolve(LEDGER_FILE), audit, environment, kmsClients, clock);
  }

  /** @param revocationLedger the worker's {@link RevocationLedger}: keep it with the worker's state, never delete it */
  public SigningActivitiesImpl(Path signatureStore, Path revocationLedger, SignatureAuditLog audit,
      Function<String, String> environment, Function<String, KmsClient> kmsClients, Clock clock) {
    this.signer = new ArtifactSigner(new SignatureStore(signatureStore));
    this.verifier = new ArtifactVerifier(new RevocationLedger(revocationLedger, clock));
    this.audit = audit;
    this.environment = environment;
    this.kmsClients = kmsClients;
    this.clock = clock;
  }

  /** Heartbeats while it works: a worker killed mid-signing is noticed in seconds (see Heartbeats). */
  @Override
  public List<SignatureRef> sign(SignRequest request) {
    return dev.gantry.activities.deploy.Heartbeats.during(() -> signNow(request));
  }

  private List<SignatureRef> signNow(SignRequest request) {
    ActivityInfo info = Activity.getExecutionContext().getInfo();
    Signer key = open(request.policy());
    String actor = request.requestedBy();
    try {
      List<SignatureRef> made = new ArrayList<>();
      made.add(signer.sign(request.artifact(), key));
      Provenance provenance = provenance(request, info);
      SignatureRef attested = signer.attestForRelease(request.artifact(), InTotoStatements.SLSA_PROVENANCE_V1, key,
          provenance.invocationId(), () -> InTotoStatements.slsaProvenance(subjectName(request),
              hex(request.artifact().digest()), provenance));
      // Only a time from the workflow is one a verifier may trust; the worker's own clock is not vouched for.
      made.add(request.signedAt() == null ? attested : new SignatureRef(attested.kind(), attested.predicateType(),
          attested.keyId(), attested.location(), attested.digest(), provenance.invocationId(),
          provenance.finishedOn().toString()));
      if (request.policy().sbom() != null) {
        made.add(signer.attest(request.artifact(), InTotoStatements.SPDX_DOCUMENT, key,
            () -> InTotoStatements.sbom(subjectName(request), hex(request.artifact().digest()),
                Path.of(request.policy().sbom()))));
      }
      for (SignatureRef ref : made) {
        boolean attestation = SignatureRef.ATTESTATION.equals(ref.kind());
        record(info, attestation ? "attest" : "sign", "done", actor, ref.keyId(), ref.digest(), ref.predicateType(),
            null, null, ref.location());
      }
      return made;
    } catch (SignatureRejected rejected) {
      record(info, "sign", "fail", actor, key.keyId(), request.artifact().digest(), null, null, null,
          rejected.reason() + ": " + rejected.getMessage());
      throw refusal(rejected);
    } catch (IllegalArgumentException badInput) {
      // e.g. an SBOM that is not SPDX JSON: the same file fails the same way on every retry
      throw ApplicationFailure.newNonRetryableFailure(badInput.getMessage(), Failures.INVALID_REQUEST);
    }
  }

  @Override
  public VerificationResult verify(VerifyRequest request) {
    return dev.gantry.activities.deploy.Heartbeats.during(() -> verifyNow(request));
  }

  private VerificationResult verifyNow(VerifyRequest request) {
    ActivityInfo info = Activity.getExecutionContext().getInfo();
    try {
      ArtifactVerifier.Verified verified = verifier.verify(request.artifact(), request.signatures(),
          request.policy(), clock.instant());
      record(info, "verify", "pass", null, verified.keyId(), request.artifact().digest(), null,
          request.environment(), request.region(), verified.detail());
      return new VerificationResult(verified.keyId(), verified.predicateTypes(), verified.detail());
    } catch (SignatureRejected rejected) {
      record(info, "verify", "fail", null, null, request.artifact().digest(), null, request.environment(),
          request.region(), rejected.reason() + ": " + rejected.getMessage());
      throw refusal(rejected);
    }
  }

  private Signer open(SigningPolicy policy) {
    char[] password = null;
    if (policy.passwordEnv() != null) {
      String value = environment.apply(policy.passwordEnv());
      if (value == null) {
        throw ApplicationFailure.newNonRetryableFailure("the signing key's password variable "
            + policy.passwordEnv() + " is not set on this worker: set it in the worker's environment and start"
            + " the release again", Failures.INVALID_REQUEST);
      }
      password = value.toCharArray();
    }
    try {
      return Signers.open(policy.key(), password, kmsClients);
    } catch (KeyFileException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), Failures.INVALID_REQUEST);
    } finally {
      if (password != null) {
        java.util.Arrays.fill(password, '\0');
      }
    }
  }

  private Provenance provenance(SignRequest request, ActivityInfo info) {
    Map<String, Object> parameters = new LinkedHashMap<>();
    parameters.put("application", request.application());
    parameters.put("version", request.version());
    parameters.put("release", request.releaseId());
    parameters.put("requestedBy", request.requestedBy());
    parameters.put("spec", request.specSource());
    Instant started = request.startedAt() == null ? null : Instant.parse(request.startedAt());
    // The workflow's time, from the history: the same on every retry, and not the worker's clock. Releases
    // recorded before it existed carry none, and keep the worker's clock (a verifier does not trust that one).
    Instant signedAt = request.signedAt() == null ? clock.instant() : Instant.parse(request.signedAt());
    // The invocation is this release's run, from Temporal's activity context (not from the request).
    return new Provenance(BUILDER_ID, BUILD_TYPE, parameters, request.policy().sourceRepository(),
        request.policy().sourceCommit(), invocationOf(info), started, signedAt);
  }

  /** What a release's provenance names as its invocation: {@code <workflow id>/<run id>}. */
  static String invocationOf(ActivityInfo info) {
    return info.getWorkflowId() + "/" + info.getWorkflowRunId();
  }

  private void record(ActivityInfo info, String action, String outcome, String actor, String keyId, String digest,
      String predicateType, String environmentName, String region, String detail) {
    // Stable per attempt and step: a retried activity that already wrote its line writes nothing new.
    String eventId = String.join("/", info.getWorkflowId(), info.getWorkflowRunId(), info.getActivityId(),
        String.valueOf(info.getAttempt()), action, outcome, String.valueOf(predicateType));
    audit.append(new SignatureAuditLog.Entry(eventId, action, outcome, info.getWorkflowId(), info.getWorkflowRunId(),
        actor, keyId, digest, predicateType, environmentName, region, detail, clock.instant().toString()));
  }

  private static ApplicationFailure refusal(SignatureRejected rejected) {
    return ApplicationFailure.newNonRetryableFailure(rejected.reason() + ": " + rejected.getMessage(),
        Failures.SIGNATURE_REJECTED);
  }

  private static String subjectName(SignRequest request) {
    String location = request.artifact().location();
    return request.artifact().isFile() ? Path.of(location).getFileName().toString() : location;
  }

  private static String hex(String digest) {
    return digest.substring("sha256:".length());
  }
}
