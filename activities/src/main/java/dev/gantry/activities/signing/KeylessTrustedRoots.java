package dev.gantry.activities.signing;

import static dev.gantry.activities.signing.KeylessBundles.firstLine;
import static dev.gantry.activities.signing.SignatureRejected.Reason.UNTRUSTED_IDENTITY;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.gantry.activities.support.BoundedFiles;
import dev.sigstore.KeylessVerifier;
import dev.sigstore.TrustedRootProvider;
import dev.sigstore.proto.trustroot.v1.CertificateAuthority;
import dev.sigstore.proto.trustroot.v1.TransparencyLogInstance;
import dev.sigstore.proto.trustroot.v1.TrustedRoot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The platform policy's Sigstore {@code trusted_root.json}: read bounded, checked, and made a verifier of. */
final class KeylessTrustedRoots {
  /** A trusted root holds a few certificates and keys. */
  static final long MAX_TRUSTED_ROOT_BYTES = 4 * BoundedFiles.MIB;

  private KeylessTrustedRoots() {}

  /**
   * For the policy loader: the trusted root is complete (see {@link #read}) and sigstore-java can build a
   * verifier from it. Throws {@link SignatureRejected} naming what is wrong.
   */
  static void requireUsable(Path file) {
    read(file);
    verifier(file);
  }

  /** sigstore-java's verifier over the trusted root. */
  static KeylessVerifier verifier(Path file) {
    try {
      return KeylessVerifier.builder().trustedRootProvider(TrustedRootProvider.from(file)).build();
    } catch (Exception e) {
      throw new SignatureRejected(UNTRUSTED_IDENTITY, "the trusted root " + file + " cannot be used: " + firstLine(e));
    }
  }

  /**
   * The trusted root, read whole and checked for what sigstore-java lets pass: every log, CA and timestamp
   * authority must say since when it is valid.
   */
  static TrustedRoot read(Path file) {
    String json;
    try {
      json = BoundedFiles.readString(file, MAX_TRUSTED_ROOT_BYTES);
    } catch (IOException e) {
      throw new SignatureRejected(UNTRUSTED_IDENTITY, "the trusted root " + file + " " + BoundedFiles.describe(e));
    }
    TrustedRoot.Builder builder = TrustedRoot.newBuilder();
    try {
      JsonFormat.parser().ignoringUnknownFields().merge(json, builder);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new SignatureRejected(UNTRUSTED_IDENTITY, "the trusted root " + file + " is not a Sigstore trusted root"
          + " (not JSON, or a field of the wrong type)");
    }
    TrustedRoot root = builder.build();
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < root.getTlogsCount(); i++) {
      checkLog("tlogs[" + i + "]", root.getTlogs(i), problems);
    }
    for (int i = 0; i < root.getCtlogsCount(); i++) {
      checkLog("ctlogs[" + i + "]", root.getCtlogs(i), problems);
    }
    for (int i = 0; i < root.getCertificateAuthoritiesCount(); i++) {
      checkAuthority("certificateAuthorities[" + i + "]", root.getCertificateAuthorities(i), problems);
    }
    for (int i = 0; i < root.getTimestampAuthoritiesCount(); i++) {
      checkAuthority("timestampAuthorities[" + i + "]", root.getTimestampAuthorities(i), problems);
    }
    if (root.getCertificateAuthoritiesCount() == 0) {
      problems.add("it names no certificate authority");
    }
    if (!problems.isEmpty()) {
      throw new SignatureRejected(UNTRUSTED_IDENTITY, "the trusted root " + file + " is not usable: "
          + String.join("; ", problems));
    }
    return root;
  }

  private static void checkLog(String where, TransparencyLogInstance log, List<String> problems) {
    if (!log.getPublicKey().getValidFor().hasStart()) {
      problems.add(where + ".publicKey.validFor.start is missing");
    }
  }

  private static void checkAuthority(String where, CertificateAuthority authority, List<String> problems) {
    if (!authority.getValidFor().hasStart()) {
      problems.add(where + ".validFor.start is missing");
    }
    if (authority.getCertChain().getCertificatesCount() == 0) {
      problems.add(where + ".certChain is empty");
    }
  }
}
