package dev.gantry.activities.signing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.activities.local.Digests;
import dev.gantry.activities.signing.oci.ImageSignatureRef;
import dev.gantry.activities.signing.oci.ImageSignatures;
import dev.gantry.activities.signing.oci.OciRegistryClient;
import dev.gantry.workflows.api.ArtifactRef;
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
      Path file = requireUnchanged(artifact);
      BlobSignature signature = BlobSignature.fromBundle(store.getOrCreate(artifact.digest(), signer.keyId(), BLOB,
          () -> BlobSigning.sign(file, signer).bundleJson()));
      if (!signature.digest().equals(artifact.digest())) {
        throw new SignatureRejected(SignatureRejected.Reason.ARTIFACT_DIGEST_MISMATCH, file + " changed while"
            + " it was signed: it now hashes to " + signature.digest() + ", the release is for " + artifact.digest());
      }
      BlobSigning.write(signature, file);
      return new SignatureRef(SignatureRef.SIGNATURE, null, signer.keyId(), bundlePath(file, null).toString(),
          artifact.digest());
    }
    ImageSignatureRef made = ImageSignatures.sign(OciRegistryClient.forImage(artifact.location()),
        artifact.location(), artifact.digest(), signer);
    return new SignatureRef(SignatureRef.SIGNATURE, null, signer.keyId(), made.taggedReference(), artifact.digest());
  }

  /** One attestation of {@code statement}'s predicate type; {@code statement} runs only the first time. */
  public SignatureRef attest(ArtifactRef artifact, String predicateType, Signer signer, Supplier<byte[]> statement) {
    if (artifact.isFile()) {
      requireUnchanged(artifact);
    }
    SignedAttestation attestation = read(store.getOrCreate(artifact.digest(), signer.keyId(), predicateType,
        () -> write(Attestations.sign(statement.get(), signer))));
    if (artifact.isFile()) {
      Path bundle = bundlePath(Path.of(artifact.location()), predicateType);
      writeString(bundle, attestation.bundleJson());
      return new SignatureRef(SignatureRef.ATTESTATION, predicateType, signer.keyId(), bundle.toString(),
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

  private static Path requireUnchanged(ArtifactRef artifact) {
    Path file = Path.of(artifact.location());
    if (!Files.isRegularFile(file)) {
      throw new SignatureRejected(SignatureRejected.Reason.MISSING, "the artifact " + file + " does not exist on"
          + " this worker: the worker reads the path the release spec named");
    }
    String actual = Digests.sha256(file);
    if (!actual.equals(artifact.digest())) {
      throw new SignatureRejected(SignatureRejected.Reason.ARTIFACT_DIGEST_MISMATCH, file + " hashes to " + actual
          + " but the release was started for " + artifact.digest() + ": the file was replaced; nothing signed");
    }
    return file;
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
