package dev.gantry.activities.signing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.activities.local.Digests;
import dev.gantry.activities.signing.oci.ImageSignatureRef;
import dev.gantry.activities.signing.oci.ImageSignatures;
import dev.gantry.activities.signing.oci.OciRegistryClient;
import dev.gantry.workflows.api.artifact.ArtifactRef;
import dev.gantry.workflows.api.signing.SignatureRef;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Signs an artifact and attests it, the same way for the release workflow's activity and for
 * {@code gantry artifact sign|attest}: files get {@code X.sig}, {@code X.sigstore.json} and one bundle per
 * attestation next to them; images get cosign's {@code .sig} and {@code .att} tags in their registry.
 * Every signature goes through the {@link SignatureStore}: signing again returns the first signature.
 */
public final class ArtifactSigner {
  public static final String BLOB = "blob";
  private static final ObjectMapper JSON = new ObjectMapper();
  private final SignatureStore store;

  public ArtifactSigner(SignatureStore store) {
    this.store = store;
  }

  /** The signature: a blob bundle for a file, a cosign image signature for an image. */
  public SignatureRef sign(ArtifactRef artifact, Signer signer) {
    if (artifact.isFile()) {
      // One pass over the bytes either way: signing hashes them, a stored signature needs them checked.
      Path file = Path.of(artifact.location());
      boolean[] signedNow = {false};
      BlobSignature signature = BlobSignature.fromBundle(store.getOrCreate(artifact.digest(), signer.keyId(), BLOB,
          () -> {
            signedNow[0] = true;
            BlobSignature fresh = BlobSigning.sign(requireExists(file), signer);
            if (!fresh.digest().equals(artifact.digest())) {
              throw replaced(file, artifact); // thrown before anything is stored
            }
            return fresh.bundleJson();
          }));
      if (!signedNow[0]) {
        requireUnchanged(artifact);
      }
      BlobSigning.write(signature, file);
      return new SignatureRef(SignatureRef.SIGNATURE, null, signer.keyId(), bundlePath(file, null).toString(),
          artifact.digest());
    }
    ImageSignatureRef made = ImageSignatures.sign(OciRegistryClient.forImage(artifact.location()),
        artifact.location(), artifact.digest(), signer);
    return new SignatureRef(SignatureRef.SIGNATURE, null, signer.keyId(), made.taggedReference(), artifact.digest());
  }

  /**
   * One attestation of {@code statement}'s predicate type about {@code artifact.digest()} (the statement
   * names the digest, not the file's current bytes); {@code statement} runs only the first time.
   */
  public SignatureRef attest(ArtifactRef artifact, String predicateType, Signer signer, Supplier<byte[]> statement) {
    return attest(artifact, predicateType, signer, null, statement);
  }

  /**
   * As {@link #attest(ArtifactRef, String, Signer, Supplier)}, once per {@code invocation} (a release's
   * {@code <workflow id>/<run id>}): a retry of the same invocation gets the stored attestation, another
   * release of the same bytes gets a new one, never the statement (and signing time) of an earlier release.
   */
  public SignatureRef attest(ArtifactRef artifact, String predicateType, Signer signer, String invocation,
      Supplier<byte[]> statement) {
    return attest(artifact, predicateType, signer, invocation, false, statement);
  }

  /**
   * A release's attestation: as {@link #attest(ArtifactRef, String, Signer, String, Supplier)}, and for a
   * file also a copy of its own ({@code X.provenance.<tag>.sigstore.json}, the location returned), which no
   * other release of the same file overwrites.
   */
  public SignatureRef attestForRelease(ArtifactRef artifact, String predicateType, Signer signer, String invocation,
      Supplier<byte[]> statement) {
    return attest(artifact, predicateType, signer, invocation, true, statement);
  }

  private SignatureRef attest(ArtifactRef artifact, String predicateType, Signer signer, String invocation,
      boolean ownCopy, Supplier<byte[]> statement) {
    String kind = invocation == null ? predicateType : predicateType + "#invocation=" + invocation;
    SignedAttestation attestation = read(store.getOrCreate(artifact.digest(), signer.keyId(), kind,
        () -> write(Attestations.sign(statement.get(), signer))));
    if (artifact.isFile()) {
      Path bundle = bundlePath(Path.of(artifact.location()), predicateType);
      writeString(bundle, attestation.bundleJson());
      if (!ownCopy || invocation == null) {
        return new SignatureRef(SignatureRef.ATTESTATION, predicateType, signer.keyId(), bundle.toString(),
            artifact.digest());
      }
      // Releases of the same file at the same time each overwrite X.provenance.sigstore.json (the latest, for
      // cosign and people); the release verifies its own copy, which no other release writes.
      Path own = invocationBundlePath(bundle, invocation);
      writeString(own, attestation.bundleJson());
      return new SignatureRef(SignatureRef.ATTESTATION, predicateType, signer.keyId(), own.toString(),
          artifact.digest());
    }
    ImageSignatureRef made = ImageSignatures.attach(OciRegistryClient.forImage(artifact.location()),
        artifact.location(), artifact.digest(), attestation.envelopeJson(), predicateType);
    return new SignatureRef(SignatureRef.ATTESTATION, predicateType, signer.keyId(), made.taggedReference(),
        artifact.digest());
  }

  /**
   * Where a file's bundles live: {@code X.sigstore.json} for the signature, {@code X.provenance.sigstore.json}
   * and {@code X.sbom.sigstore.json} for the attestations Gantry makes, {@code X.<sha8>.sigstore.json} for others.
   */
  public static Path bundlePath(Path artifact, String predicateTypeOrNull) {
    String name = artifact.getFileName().toString();
    String infix;
    if (predicateTypeOrNull == null) {
      infix = "";
    } else if (predicateTypeOrNull.equals(InTotoStatements.SLSA_PROVENANCE_V1)) {
      infix = ".provenance";
    } else if (predicateTypeOrNull.equals(InTotoStatements.SPDX_DOCUMENT)) {
      infix = ".sbom";
    } else {
      infix = "." + Digests.sha256(predicateTypeOrNull.getBytes(StandardCharsets.UTF_8)).substring(7, 15);
    }
    return artifact.resolveSibling(name + infix + ".sigstore.json");
  }

  /** {@code X.provenance.sigstore.json} -> {@code X.provenance.<12 hex of sha256(invocation)>.sigstore.json}. */
  static Path invocationBundlePath(Path bundle, String invocation) {
    String name = bundle.getFileName().toString();
    String stem = name.substring(0, name.length() - ".sigstore.json".length());
    String tag = Digests.sha256(invocation.getBytes(StandardCharsets.UTF_8)).substring(7, 19);
    return bundle.resolveSibling(stem + "." + tag + ".sigstore.json");
  }

  private static void requireUnchanged(ArtifactRef artifact) {
    Path file = requireExists(Path.of(artifact.location()));
    if (!Digests.sha256(file).equals(artifact.digest())) {
      throw replaced(file, artifact);
    }
  }

  private static Path requireExists(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new SignatureRejected(SignatureRejected.Reason.MISSING, "the artifact " + file + " does not exist on"
          + " this worker: the worker reads the path the release spec named");
    }
    return file;
  }

  /** Names the expected digest only: the actual one would reveal the digest of whatever file is there. */
  private static SignatureRejected replaced(Path file, ArtifactRef artifact) {
    return new SignatureRejected(SignatureRejected.Reason.ARTIFACT_DIGEST_MISMATCH, file + " does not have the"
        + " digest the release was started for (" + artifact.digest() + "): the file was replaced; nothing signed");
  }

  private static void writeString(Path file, String content) {
    AtomicFiles.write(file, content.getBytes(StandardCharsets.UTF_8), false);
  }

  private static String write(SignedAttestation attestation) {
    try {
      return JSON.writeValueAsString(attestation);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static SignedAttestation read(String json) {
    try {
      return JSON.readValue(json, SignedAttestation.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the signature store holds an unreadable attestation: " + e.getMessage(), e);
    }
  }
}
