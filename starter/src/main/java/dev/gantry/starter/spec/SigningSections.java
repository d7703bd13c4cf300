package dev.gantry.starter.spec;

import static dev.gantry.starter.spec.SpecChecks.blank;

import dev.gantry.starter.spec.EnvironmentConfigFile.VerificationSpec;
import dev.gantry.activities.signing.KeylessBundles;
import dev.gantry.activities.signing.SignatureRejected;
import dev.gantry.starter.spec.ReleaseSpecFile.IdentitySpec;
import dev.gantry.starter.spec.ReleaseSpecFile.KeylessSpec;
import dev.gantry.starter.spec.ReleaseSpecFile.SigningSpec;
import dev.gantry.workflows.api.signing.KeylessIdentity;
import dev.gantry.workflows.api.signing.KeylessPolicy;
import dev.gantry.workflows.api.signing.SigningPolicy;
import dev.gantry.workflows.api.signing.VerificationPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code signing:} section of the release spec and the {@code verification:} section of each
 * environment. Every environment must say how it verifies (or, for a sandbox, that it does not): an
 * environment that forgot the section would otherwise deploy unsigned builds without anyone noticing.
 */
final class SigningSections {
  static final String KMS_PREFIX = "awskms://";
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private SigningSections() {}

  static SigningPolicy signing(String where, java.nio.file.Path base, SigningSpec spec, List<String> problems) {
    if (spec == null) {
      return null;
    }
    if (spec.key() == null && spec.keyless() != null && spec.passwordEnv() == null && spec.sbom() == null) {
      // keyless only: the artifacts come signed (by CI, with its OIDC identity); the worker signs nothing
      return null;
    }
    String key;
    if (spec.key() == null || spec.key().isBlank()) {
      problems.add(where + ": field 'signing.key' is missing: a key file made by `gantry keys generate`"
          + " (or cosign), or awskms:///<key ARN or alias>");
      key = null;
    } else if (spec.key().startsWith(KMS_PREFIX)) {
      key = spec.key();
    } else if (!java.nio.file.Files.isRegularFile(base.resolve(spec.key()))) {
      key = null;
      problems.add(where + ": field 'signing.key': " + base.resolve(spec.key()).normalize() + " does not exist:"
          + " make it with `gantry keys generate --key " + base.resolve(spec.key()).normalize()
          + " --trusted-keys <trusted-keys.yaml>` (./gantry demo makes the example's)");
    } else {
      key = base.resolve(spec.key()).normalize().toString();
    }
    if (spec.passwordEnv() != null && !ENV_NAME.matcher(spec.passwordEnv()).matches()) {
      problems.add(where + ": field 'signing.passwordEnv' must be the NAME of an environment variable on the"
          + " worker (like GANTRY_SIGNING_PASSWORD), never the password itself");
    }
    String sbom = spec.sbom() == null ? null : GateSections.existing(where, "signing.sbom", base, spec.sbom(), problems);
    String repository = spec.source() == null ? null : spec.source().repository();
    String commit = spec.source() == null ? null : spec.source().commit();
    return new SigningPolicy(key, spec.passwordEnv(), sbom, repository, commit);
  }

  /**
   * {@code signing.keyless} of policy.yaml: the trusted root (relative to the policy directory), loadable and
   * complete, and at least one identity rule, each with exactly one identity and one issuer matcher.
   */
  static KeylessPolicy keyless(String where, java.nio.file.Path base, SigningSpec spec, List<String> problems) {
    KeylessSpec keyless = spec == null ? null : spec.keyless();
    if (keyless == null) {
      return null;
    }
    String root = GateSections.existing(where, "signing.keyless.trustedRoot", base, keyless.trustedRoot(), problems);
    if (root != null && java.nio.file.Files.isRegularFile(java.nio.file.Path.of(root))) {
      try {
        KeylessBundles.requireUsableTrustedRoot(java.nio.file.Path.of(root));
      } catch (SignatureRejected e) {
        problems.add(where + ": field 'signing.keyless.trustedRoot': " + e.getMessage());
      }
    }
    List<IdentitySpec> specs = keyless.identities() == null ? List.of() : keyless.identities();
    if (specs.isEmpty()) {
      problems.add(where + ": field 'signing.keyless.identities' is missing: name who may sign, e.g."
          + " `identities: [{identity: https://github.com/org/repo/.github/workflows/release.yml@refs/heads/main,"
          + " issuer: https://token.actions.githubusercontent.com}]`");
    }
    List<KeylessIdentity> identities = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      IdentitySpec identity = specs.get(i);
      String field = where + ": field 'signing.keyless.identities[" + i + "]'";
      if (identity == null) {
        problems.add(field + " is empty");
        continue;
      }
      if ((blank(identity.identity())) == (blank(identity.identityRegexp()))) {
        problems.add(field + " needs exactly one of 'identity' and 'identityRegexp'");
      }
      if ((blank(identity.issuer())) == (blank(identity.issuerRegexp()))) {
        problems.add(field + " needs exactly one of 'issuer' and 'issuerRegexp'");
      }
      for (String regexp : java.util.Arrays.asList(identity.identityRegexp(), identity.issuerRegexp())) {
        if (!blank(regexp)) {
          try {
            Pattern.compile(regexp);
          } catch (java.util.regex.PatternSyntaxException e) {
            problems.add(field + " has a regexp that does not compile (" + e.getDescription() + ")");
          }
        }
      }
      identities.add(new KeylessIdentity(emptyToNull(identity.identity()), emptyToNull(identity.identityRegexp()),
          emptyToNull(identity.issuer()), emptyToNull(identity.issuerRegexp())));
    }
    return new KeylessPolicy(root, List.copyOf(identities));
  }

  private static String emptyToNull(String value) {
    return blank(value) ? null : value;
  }

  static VerificationPolicy verification(String where, java.nio.file.Path base, VerificationSpec spec,
      List<String> problems) {
    if (spec == null) {
      problems.add(where + ": field 'verification' is missing: every environment verifies the artifact's"
          + " signature before it deploys; add `verification: {trustedKeys: <trusted-keys.yaml>,"
          + " require: [slsa-provenance]}` (see docs/signing-key-management.md), or"
          + " `verification: {required: false}` for a sandbox that deploys unsigned builds");
      return null;
    }
    if (Boolean.FALSE.equals(spec.required())) {
      if (spec.trustedKeys() != null || spec.require() != null || spec.maxSignatureAgeHours() != null) {
        problems.add(where + ": field 'verification.required' is false but the section also sets trusted keys"
            + " or requirements: remove them, or remove `required: false`");
      }
      return VerificationPolicy.notRequired();
    }
    String trustedKeys = GateSections.existing(where, "verification.trustedKeys", base, spec.trustedKeys(), problems);
    List<String> predicateTypes = new ArrayList<>();
    for (String wanted : spec.require() == null ? List.<String>of() : spec.require()) {
      String type = wanted == null ? null : VerificationPolicy.predicateType(wanted);
      if (type == null || !type.startsWith("https://")) {
        problems.add(where + ": field 'verification.require' has '" + wanted + "': use slsa-provenance, sbom"
            + " or a predicate type URI like https://example.com/attestation/v1");
      } else if (!predicateTypes.contains(type)) {
        predicateTypes.add(type);
      }
    }
    SpecChecks.checkRange(where, "verification.maxSignatureAgeHours", spec.maxSignatureAgeHours(), 1,
        24 * 366, problems);
    return new VerificationPolicy(true, trustedKeys, List.copyOf(predicateTypes), spec.maxSignatureAgeHours());
  }
}
