package dev.gantry.starter.cli;

import dev.gantry.activities.audit.SignatureAuditLog;
import dev.gantry.activities.signing.KeyFiles;
import dev.gantry.activities.signing.KmsClients;
import dev.gantry.activities.signing.Signer;
import dev.gantry.activities.signing.Signers;
import dev.gantry.activities.signing.TrustedKey;
import dev.gantry.activities.signing.TrustedKeys;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code gantry keys}: signing keys and the trusted keys file the verification gate reads. Private keys
 * never appear in the output: only key ids, names, files and dates.
 */
@Command(name = "keys", mixinStandardHelpOptions = true,
    description = "Signing keys and the trusted keys file (generate, import, export, list, rotate, revoke).",
    subcommands = {KeysCommand.Generate.class, KeysCommand.Import.class, KeysCommand.Export.class,
        KeysCommand.ListKeys.class, KeysCommand.Rotate.class, KeysCommand.Revoke.class})
class KeysCommand {

  /** Options every key command shares: where the signature audit log is, and the output format. */
  static class Common {
    @Option(names = "--audit-log", defaultValue = ".gantry/audit/signatures.jsonl",
        description = "The signature audit log key changes are recorded in (default ${DEFAULT-VALUE}).")
    Path auditLog;

    @Option(names = "--actor", defaultValue = "${env:USER:-operator}",
        description = "Who makes the change, for the audit log (default: $USER).")
    String actor;

    @Mixin OutputOption output;

    void record(String action, String keyId, String detail) {
      new SignatureAuditLog(auditLog).append(SignatureAuditLog.Entry.of(action, "done", actor, keyId, null, detail));
    }

    void print(CommandSpec spec, String text, Map<String, Object> json) {
      PrintWriter out = spec.commandLine().getOut();
      if (output.json()) {
        Output.json(out, json);
      } else {
        out.println(text);
        out.flush();
      }
    }
  }

  abstract static class KeyCommand implements Callable<Integer>, OutputOption.Holder {
    @Mixin Common common;
    @Spec CommandSpec spec;

    @Override
    public OutputOption outputOption() {
      return common.output;
    }
  }

  /** The options of the commands that make a key pair, and writing the pair. */
  abstract static class NewKey extends KeyCommand {
    @Option(names = "--key", required = true, description = "Private key file to write (refused if it exists).")
    Path key;

    @Option(names = "--password-env", paramLabel = "VAR",
        description = "Encrypt the key as cosign does, with the password in this environment variable.")
    String passwordEnv;

    @Option(names = "--public-key", description = "Public key file (cosign.pub format); default: <key>.pub.")
    Path publicKey;

    @Option(names = "--trusted-keys", description = "Add the new key to this trusted keys file.")
    Path trustedKeys;

    @Option(names = "--name", description = "The key's name in the trusted keys file (default: the file name).")
    String name;

    void refuseExistingKey(String why) {
      if (Files.exists(key)) {
        throw new IllegalArgumentException("--key " + key + " exists: " + why);
      }
    }

    String trustedName() {
      return name != null ? name : key.getFileName().toString();
    }

    /** The private key (cosign-encrypted with --password-env, else PKCS#8) and its public key file. */
    Path write(KeyPair pair) {
      if (passwordEnv != null) {
        KeyFiles.writeCosignEncrypted(pair, SigningKeyOptions.password(passwordEnv), key);
      } else {
        KeyFiles.writePrivateKeyPem(pair.getPrivate(), key);
      }
      Path pub = publicKey != null ? publicKey : key.resolveSibling(key.getFileName() + ".pub");
      KeyFiles.writePublicKeyPem(pair.getPublic(), pub);
      return pub;
    }
  }

  @Command(name = "generate", mixinStandardHelpOptions = true,
      description = "Make an ECDSA P-256 key pair (cosign-compatible) and, with --trusted-keys, trust it.")
  static class Generate extends NewKey {
    @Option(names = "--valid-days", description = "Trust the key for this many days (default: until rotated).")
    Integer validDays;

    @Override
    public Integer call() {
      refuseExistingKey("refusing to overwrite a private key; choose another file, or rotate with"
          + " `gantry keys rotate`");
      KeyPair pair = KeyFiles.generate();
      Path pub = write(pair);
      String keyId = dev.gantry.activities.signing.KeyIds.of(pair.getPublic());
      TrustedKey trusted = null;
      if (trustedKeys != null) {
        TrustedKeys keyring = TrustedKeys.load(trustedKeys);
        Instant now = Instant.now();
        trusted = keyring.add(trustedName(), pair.getPublic(), now,
            validDays == null ? null : now.plus(Duration.ofDays(validDays)));
        keyring.save(trustedKeys);
      }
      common.record("key-generate", keyId, key + (trusted == null ? "" : ", trusted as '" + trusted.name() + "'"));
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("keyId", keyId);
      json.put("privateKey", key.toString());
      json.put("publicKey", pub.toString());
      json.put("encrypted", passwordEnv != null);
      json.put("trustedKeys", trustedKeys == null ? null : trustedKeys.toString());
      common.print(spec, "generated key " + keyId + "\n  private: " + key
          + (passwordEnv == null ? " (UNENCRYPTED: for a laptop; use --password-env or KMS for real releases)"
              : " (encrypted, password in $" + passwordEnv + ")")
          + "\n  public:  " + pub
          + (trustedKeys == null ? "" : "\n  trusted in " + trustedKeys + " as '" + trusted.name() + "'"), json);
      return GantryCli.OK;
    }
  }

  @Command(name = "import", mixinStandardHelpOptions = true,
      description = "Trust a public key (a cosign.pub file or awskms:///<key>) in the trusted keys file.")
  static class Import extends KeyCommand {
    @Option(names = "--trusted-keys", required = true, description = "The trusted keys file to add to.")
    Path trustedKeys;

    @Option(names = "--public-key", required = true, paramLabel = "FILE|awskms:///KEY",
        description = "A PEM public key (cosign.pub) or a KMS key reference.")
    String publicKey;

    @Option(names = "--name", required = true, description = "A name people recognise (e.g. ci-2026).")
    String name;

    @Option(names = "--not-before", description = "Trusted from (ISO-8601; default now).")
    Instant notBefore;

    @Option(names = "--not-after", description = "Trusted until (ISO-8601; default until rotated).")
    Instant notAfter;

    @Override
    public Integer call() {
      PublicKey key = readPublicKey(publicKey);
      TrustedKeys keyring = TrustedKeys.load(trustedKeys);
      TrustedKey added = keyring.add(name, key, notBefore == null ? Instant.now() : notBefore, notAfter);
      keyring.save(trustedKeys);
      common.record("key-import", added.id(), name + " from " + publicKey + " into " + trustedKeys);
      common.print(spec, "trusted key '" + name + "' (" + added.id() + ") in " + trustedKeys, describe(added));
      return GantryCli.OK;
    }
  }

  @Command(name = "export", mixinStandardHelpOptions = true,
      description = "Write the public key of a private key file or KMS key, as cosign.pub.")
  static class Export extends KeyCommand {
    @Mixin SigningKeyOptions key;

    @Option(names = "--out", required = true, description = "Where to write the public key (e.g. cosign.pub).")
    Path out;

    @Override
    public Integer call() {
      Signer signer = key.open();
      KeyFiles.writePublicKeyPem(signer.publicKey(), out);
      common.print(spec, "wrote the public key of " + signer.keyId() + " to " + out,
          Map.of("keyId", signer.keyId(), "publicKey", out.toString()));
      return GantryCli.OK;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Show the trusted keys and their state.")
  static class ListKeys extends KeyCommand {
    @Option(names = "--trusted-keys", required = true, description = "The trusted keys file.")
    Path trustedKeys;

    @Override
    public Integer call() {
      if (!Files.isRegularFile(trustedKeys)) {
        throw new IllegalArgumentException("--trusted-keys " + trustedKeys + " does not exist");
      }
      List<TrustedKey> keys = TrustedKeys.load(trustedKeys).keys();
      Instant now = Instant.now();
      if (common.output.json()) {
        Output.json(spec.commandLine().getOut(), keys.stream().map(KeysCommand::describe).toList());
        return GantryCli.OK;
      }
      PrintWriter out = spec.commandLine().getOut();
      out.printf("%-30s %-10s %-22s %-22s %s%n", "NAME", "STATE", "FROM", "UNTIL", "KEY ID");
      for (TrustedKey key : keys) {
        out.printf("%-30s %-10s %-22s %-22s %s%n", key.name(), state(key, now), key.notBefore(),
            key.notAfter() == null ? "-" : key.notAfter(), key.id());
        if (key.revoked()) {
          out.println("    revoked " + key.revokedAt() + ": " + key.revokedReason());
        }
      }
      out.flush();
      return GantryCli.OK;
    }
  }

  @Command(name = "rotate", mixinStandardHelpOptions = true,
      description = "Make a new signing key, trust it from now, and let the current keys overlap it for a while.")
  static class Rotate extends NewKey {
    @Option(names = "--overlap-hours", defaultValue = "168",
        description = "How long the old keys stay trusted for artifacts still rolling out (default ${DEFAULT-VALUE}).")
    long overlapHours;

    @Override
    public Integer call() {
      if (trustedKeys == null) {
        throw new IllegalArgumentException("--trusted-keys is required: rotation changes the trusted keys file");
      }
      refuseExistingKey("the new key needs a new file");
      KeyPair pair = KeyFiles.generate();
      TrustedKeys keyring = TrustedKeys.load(trustedKeys);
      TrustedKey added = keyring.rotate(trustedName(), pair.getPublic(), Instant.now(), Duration.ofHours(overlapHours));
      write(pair);
      keyring.save(trustedKeys);
      common.record("key-rotate", added.id(), "new key " + key + " trusted as '" + added.name()
          + "'; earlier keys trusted until " + Instant.now().plus(Duration.ofHours(overlapHours)));
      common.print(spec, "rotated: new key '" + added.name() + "' (" + added.id() + ") in " + key
          + "; earlier keys stay trusted for " + overlapHours + "h. Point signing.key at " + key + ".",
          describe(added));
      return GantryCli.OK;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true,
      description = "Revoke a key: nothing it signed passes the gate any more, whenever it signed.")
  static class Revoke extends KeyCommand {
    @Option(names = "--trusted-keys", required = true, description = "The trusted keys file.")
    Path trustedKeys;

    @Option(names = "--key-id", required = true, description = "The key id (from `gantry keys list`).")
    String keyId;

    @Option(names = "--reason", required = true, description = "Why (shown to every release it stops).")
    String reason;

    @Override
    public Integer call() {
      TrustedKeys keyring = TrustedKeys.load(trustedKeys);
      TrustedKey revoked = keyring.revoke(keyId, reason, Instant.now());
      keyring.save(trustedKeys);
      common.record("key-revoke", keyId, reason);
      common.print(spec, "revoked '" + revoked.name() + "' (" + keyId + "): " + reason, describe(revoked));
      return GantryCli.OK;
    }
  }

  static PublicKey readPublicKey(String reference) {
    if (reference.startsWith("awskms://")) {
      return Signers.open(reference, null, KmsClients::create).publicKey();
    }
    Path file = Path.of(reference);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("--public-key " + reference + " does not exist");
    }
    return KeyFiles.readPublicKey(file);
  }

  private static String state(TrustedKey key, Instant now) {
    if (key.revoked()) {
      return "REVOKED";
    }
    return key.inWindow(now) ? "trusted" : now.isBefore(key.notBefore()) ? "not yet" : "expired";
  }

  static Map<String, Object> describe(TrustedKey key) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("keyId", key.id());
    json.put("name", key.name());
    json.put("state", state(key, Instant.now()));
    json.put("notBefore", String.valueOf(key.notBefore()));
    json.put("notAfter", key.notAfter() == null ? null : key.notAfter().toString());
    json.put("revokedAt", key.revokedAt() == null ? null : key.revokedAt().toString());
    json.put("revokedReason", key.revokedReason());
    return json;
  }
}
