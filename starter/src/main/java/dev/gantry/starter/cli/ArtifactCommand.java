package dev.gantry.starter.cli;

import dev.gantry.activities.audit.SignatureAuditLog;
import dev.gantry.activities.local.Digests;
import dev.gantry.activities.signing.ArtifactSigner;
import dev.gantry.activities.signing.ArtifactVerifier;
import dev.gantry.activities.signing.InTotoStatements;
import dev.gantry.activities.signing.Provenance;
import dev.gantry.activities.signing.SignatureRejected;
import dev.gantry.activities.signing.SignatureStore;
import dev.gantry.activities.signing.Signer;
import dev.gantry.workflows.api.artifact.ArtifactRef;
import dev.gantry.workflows.api.signing.KeylessIdentity;
import dev.gantry.workflows.api.signing.KeylessPolicy;
import dev.gantry.workflows.api.signing.SignatureRef;
import dev.gantry.workflows.api.signing.VerificationPolicy;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code gantry artifact sign|attest|verify}: the release's signing and verification gate, by hand, with
 * the same code the worker runs. Verification exits 1 with the reason when the artifact is refused.
 */
@Command(name = "artifact", mixinStandardHelpOptions = true,
    description = "Sign, attest and verify artifacts (files and images), cosign-compatible.",
    subcommands = {ArtifactCommand.Sign.class, ArtifactCommand.Attest.class, ArtifactCommand.Verify.class})
class ArtifactCommand {
  /** A file, or an image by digest. */
  static class Target {
    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "The artifact file.")
    Path file;

    @Option(names = "--image", paramLabel = "HOST/REPO@sha256:HEX", description = "An image, by digest.")
    String image;

    ArtifactRef resolve() {
      if ((file == null) == (image == null)) {
        throw new IllegalArgumentException("name the artifact: a FILE, or --image host/repo@sha256:<digest>");
      }
      if (image != null) {
        return ArtifactRef.imageByDigest(image).orElseThrow(() -> new IllegalArgumentException(
            "--image must name a digest, not a tag: host/repo@sha256:<64 hex> (got '" + image + "')"));
      }
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException("FILE " + file + " does not exist");
      }
      Path absolute = file.toAbsolutePath().normalize();
      return ArtifactRef.file(absolute.toString(), Digests.sha256(absolute));
    }
  }

  abstract static class ArtifactStep implements Callable<Integer>, OutputOption.Holder {
    @Mixin Target target;

    @Option(names = "--audit-log", defaultValue = ".gantry/audit/signatures.jsonl",
        description = "The signature audit log (default ${DEFAULT-VALUE}).")
    Path auditLog;

    @Option(names = "--actor", defaultValue = "${env:USER:-operator}", description = "Who acts (default: $USER).")
    String actor;

    @Mixin OutputOption output;
    @Spec CommandSpec spec;

    @Override
    public OutputOption outputOption() {
      return output;
    }

    void record(String action, String outcome, String keyId, ArtifactRef artifact, String detail) {
      new SignatureAuditLog(auditLog).append(SignatureAuditLog.Entry.of(action, outcome, actor, keyId,
          artifact.digest(), detail));
    }

    void printRefs(List<SignatureRef> refs) {
      PrintWriter out = spec.commandLine().getOut();
      if (output.json()) {
        Output.json(out, refs);
        return;
      }
      for (SignatureRef ref : refs) {
        out.println(ref.kind() + (ref.predicateType() == null ? "" : " " + ref.predicateType()) + " of "
            + ref.digest() + " by key " + ref.keyId() + "\n  " + ref.location());
      }
      out.flush();
    }
  }

  /** Options of the commands that sign: the key, and where signatures are kept. */
  static class SigningKey extends SigningKeyOptions {
    @Option(names = "--store", defaultValue = ".gantry/signatures",
        description = "Where signatures are kept so that signing again returns the same (default ${DEFAULT-VALUE}).")
    Path store;
  }

  @Command(name = "sign", mixinStandardHelpOptions = true,
      description = "Sign: FILE.sig and FILE.sigstore.json next to a file; cosign's .sig tag for an image.")
  static class Sign extends ArtifactStep {
    @Mixin SigningKey key;

    @Override
    public Integer call() {
      ArtifactRef artifact = target.resolve();
      Signer signer = key.open();
      SignatureRef made = new ArtifactSigner(new SignatureStore(key.store)).sign(artifact, signer);
      record("sign", "done", signer.keyId(), artifact, made.location());
      printRefs(List.of(made));
      return GantryCli.OK;
    }
  }

  @Command(name = "attest", mixinStandardHelpOptions = true,
      description = "Attest: an in-toto statement (SLSA provenance or an SPDX SBOM) signed in DSSE.")
  static class Attest extends ArtifactStep {
    @Mixin SigningKey key;

    @Option(names = "--type", required = true, description = "slsa-provenance or sbom.")
    String type;

    @Option(names = "--sbom", description = "The SPDX JSON document (for --type sbom).")
    Path sbom;

    @Option(names = "--source-repository", description = "For the provenance: the source repository.")
    String sourceRepository;

    @Option(names = "--source-commit", description = "For the provenance: the commit built.")
    String sourceCommit;

    @Option(names = "--builder-id", defaultValue = "https://gantry.dev/cli/v1",
        description = "For the provenance: who built it (default ${DEFAULT-VALUE}).")
    String builderId;

    @Override
    public Integer call() {
      String predicateType = VerificationPolicy.SHORT_PREDICATE_NAMES.get(type);
      if (predicateType == null) {
        throw new IllegalArgumentException("--type must be slsa-provenance or sbom (got '" + type + "')");
      }
      if (predicateType.equals(VerificationPolicy.SPDX_SBOM) && (sbom == null || !Files.isRegularFile(sbom))) {
        throw new IllegalArgumentException("--type sbom needs --sbom <SPDX JSON file> that exists");
      }
      ArtifactRef artifact = target.resolve();
      String subject = artifact.isFile() ? Path.of(artifact.location()).getFileName().toString() : artifact.location();
      String hex = artifact.digest().substring("sha256:".length());
      Signer signer = key.open();
      Instant now = Instant.now();
      // Each run attests anew: a provenance names its invocation and time, never an earlier run's.
      String invocation = predicateType.equals(VerificationPolicy.SPDX_SBOM) ? null
          : "gantry-cli/" + java.util.UUID.randomUUID();
      SignatureRef made = new ArtifactSigner(new SignatureStore(key.store)).attest(artifact, predicateType, signer,
          invocation, () -> predicateType.equals(VerificationPolicy.SPDX_SBOM)
              ? InTotoStatements.sbom(subject, hex, sbom)
              : InTotoStatements.slsaProvenance(subject, hex, new Provenance(builderId, "https://gantry.dev/cli/v1",
                  Map.of("actor", actor), sourceRepository, sourceCommit, invocation, now, now)));
      record("attest", "done", signer.keyId(), artifact, predicateType + " at " + made.location());
      printRefs(List.of(made));
      return GantryCli.OK;
    }
  }

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = "Verify as the release gate does. Exit 0 verified, 1 refused (the reason is printed), 2 usage.")
  static class Verify extends ArtifactStep {
    @Option(names = "--trusted-keys", description = "The trusted keys file (key-based signatures).")
    Path trustedKeys;

    @Option(names = "--trusted-root", paramLabel = "FILE",
        description = "Sigstore trusted_root.json: accept keyless (Fulcio/Rekor) signatures that chain to it,"
            + " by the identity and issuer the --certificate-* options name.")
    Path trustedRoot;

    @Option(names = "--certificate-identity", paramLabel = "SAN",
        description = "Keyless: the signing certificate's identity (subject alternative name), exactly.")
    String certificateIdentity;

    @Option(names = "--certificate-identity-regexp", paramLabel = "REGEXP",
        description = "Keyless: a regular expression the whole certificate identity must match.")
    String certificateIdentityRegexp;

    @Option(names = "--certificate-oidc-issuer", paramLabel = "URL",
        description = "Keyless: the OIDC issuer recorded in the certificate, exactly.")
    String certificateOidcIssuer;

    @Option(names = "--certificate-oidc-issuer-regexp", paramLabel = "REGEXP",
        description = "Keyless: a regular expression the whole OIDC issuer must match.")
    String certificateOidcIssuerRegexp;

    @Option(names = "--bundle", paramLabel = "FILE",
        description = "The signature bundle (default: FILE.sigstore.json next to the artifact).")
    Path bundle;

    @Option(names = "--require", split = ",", paramLabel = "TYPE",
        description = "Attestations that must be present: slsa-provenance, sbom, or a predicate type URI.")
    List<String> require = new ArrayList<>();

    @Option(names = "--max-age-hours", description = "Refuse signatures older than this (needs slsa-provenance).")
    Integer maxAgeHours;

    @Override
    public Integer call() {
      if (target.file == null && target.image == null) {
        target.resolve(); // says how to name the artifact
      }
      if (trustedKeys == null && trustedRoot == null) {
        throw new IllegalArgumentException("name what to trust: --trusted-keys <file> (key-based signatures),"
            + " --trusted-root <trusted_root.json> with --certificate-identity[-regexp] and"
            + " --certificate-oidc-issuer[-regexp] (keyless signatures), or both");
      }
      if (trustedKeys != null && !Files.isRegularFile(trustedKeys)) {
        throw new IllegalArgumentException("--trusted-keys " + trustedKeys + " does not exist");
      }
      KeylessPolicy keyless = keyless();
      if (bundle != null && !Files.isRegularFile(bundle)) {
        throw new IllegalArgumentException("--bundle " + bundle + " does not exist");
      }
      ArtifactRef artifact = target.resolve();
      if (bundle != null && !artifact.isFile()) {
        throw new IllegalArgumentException("--bundle is for a FILE; an image's signatures are read from its registry");
      }
      List<String> types = require.stream().map(VerificationPolicy::predicateType).toList();
      VerificationPolicy policy = new VerificationPolicy(true,
          trustedKeys == null ? null : trustedKeys.toAbsolutePath().toString(), types, maxAgeHours, keyless);
      List<SignatureRef> signatures = bundle == null ? List.of()
          : List.of(new SignatureRef(SignatureRef.SIGNATURE, null, null, bundle.toAbsolutePath().toString(),
              artifact.digest()));
      PrintWriter out = spec.commandLine().getOut();
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("artifact", artifact.location());
      json.put("digest", artifact.digest());
      try {
        ArtifactVerifier.Verified verified = new ArtifactVerifier().verify(artifact, signatures, policy, Instant.now());
        record("verify", "pass", verified.keyId(), artifact, verified.detail());
        json.put("verified", true);
        json.put("keyId", verified.keyId());
        json.put("keyName", verified.keyName());
        json.put("predicateTypes", verified.predicateTypes());
        json.put("detail", verified.detail());
        if (output.json()) {
          Output.json(out, json);
        } else {
          out.println("VERIFIED: " + verified.detail());
          out.flush();
        }
        return GantryCli.OK;
      } catch (SignatureRejected rejected) {
        record("verify", "fail", null, artifact, rejected.reason() + ": " + rejected.getMessage());
        json.put("verified", false);
        json.put("reason", rejected.reason().name());
        json.put("detail", rejected.getMessage());
        if (output.json()) {
          Output.json(out, json);
        } else {
          out.println("REFUSED (" + rejected.reason() + "): " + rejected.getMessage());
          out.flush();
        }
        return GantryCli.FAILED;
      }
    }

    /** The keyless trust the options name (as cosign's verify-blob), or null without --trusted-root. */
    private KeylessPolicy keyless() {
      boolean identityGiven = certificateIdentity != null || certificateIdentityRegexp != null
          || certificateOidcIssuer != null || certificateOidcIssuerRegexp != null;
      if (trustedRoot == null) {
        if (identityGiven) {
          throw new IllegalArgumentException("--certificate-identity and --certificate-oidc-issuer need"
              + " --trusted-root <trusted_root.json>");
        }
        return null;
      }
      if (!Files.isRegularFile(trustedRoot)) {
        throw new IllegalArgumentException("--trusted-root " + trustedRoot + " does not exist");
      }
      if ((certificateIdentity == null) == (certificateIdentityRegexp == null)) {
        throw new IllegalArgumentException("--trusted-root needs exactly one of --certificate-identity and"
            + " --certificate-identity-regexp: who may have signed");
      }
      if ((certificateOidcIssuer == null) == (certificateOidcIssuerRegexp == null)) {
        throw new IllegalArgumentException("--trusted-root needs exactly one of --certificate-oidc-issuer and"
            + " --certificate-oidc-issuer-regexp: which identity provider vouched for the signer");
      }
      for (String regexp : new String[] {certificateIdentityRegexp, certificateOidcIssuerRegexp}) {
        if (regexp != null) {
          try {
            java.util.regex.Pattern.compile(regexp);
          } catch (java.util.regex.PatternSyntaxException e) {
            throw new IllegalArgumentException("the regexp does not compile: " + e.getDescription());
          }
        }
      }
      return new KeylessPolicy(trustedRoot.toAbsolutePath().toString(), List.of(new KeylessIdentity(
          certificateIdentity, certificateIdentityRegexp, certificateOidcIssuer, certificateOidcIssuerRegexp)));
    }
  }
}
