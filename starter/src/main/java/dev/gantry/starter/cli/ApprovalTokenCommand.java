package dev.gantry.starter.cli;

import dev.gantry.starter.client.GantryClient;
import dev.gantry.starter.client.GantryException;
import dev.gantry.workflows.api.ApprovalTokens;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code gantry approval-token}: mints a signed approval token for environments with
 * {@code signedApprovals}, to paste into the {@code token} field of an approve signal in the Temporal UI.
 * The private key never leaves this process; only the token is printed.
 */
@Command(name = "approval-token", mixinStandardHelpOptions = true, description = "Mint a signed approval token (for signedApprovals).")
class ApprovalTokenCommand implements Callable<Integer> {
  @Option(names = "--key", required = true, paramLabel = "PKCS8_PEM",
      description = "Your private key (EC P-256, PKCS#8 PEM); its public key is in the approvers directory.")
  Path key;

  @Option(names = "--release", required = true, description = "release/<app>/<version>.")
  String releaseId;

  @Option(names = "--environment", required = true, description = "The environment approved.")
  String environment;

  @Option(names = "--digest", required = true, description = "The artifact digest approved (sha256:...).")
  String digest;

  @Option(names = "--as", required = true, paramLabel = "APPROVER", description = "Your name in the directory.")
  String approver;

  @Option(names = "--decision", defaultValue = "approve", description = "approve or reject (default ${DEFAULT-VALUE}).")
  String decision;

  @Option(names = "--valid-for", defaultValue = "PT1H", description = "Token lifetime (default ${DEFAULT-VALUE}).")
  Duration validFor;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (!decision.equals(ApprovalTokens.APPROVE) && !decision.equals(ApprovalTokens.REJECT)) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--decision must be approve or reject (got '" + decision + "')");
    }
    spec.commandLine().getOut().println(mint(key, GantryClient.normalize(releaseId), environment, digest,
        approver, decision, validFor));
    spec.commandLine().getOut().flush();
    return GantryCli.OK;
  }

  static String mint(Path key, String releaseId, String environment, String digest, String approver,
      String decision, Duration validFor) {
    if (environment == null) {
      throw new GantryException("no approval gate is open: pass --environment");
    }
    try {
      long now = Instant.now().getEpochSecond();
      return ApprovalTokens.mint(new ApprovalTokens.Claims(releaseId, environment, digest, approver, decision,
          now, now + validFor.getSeconds()), ApprovalTokens.privateKey(Files.readString(key)));
    } catch (IOException e) {
      throw new GantryException("cannot read the key " + key + ": " + e.getMessage());
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      // Never echo key material: name the file and the kind of problem only.
      throw new GantryException("the key " + key + " is not an EC P-256 PKCS#8 PEM private key ("
          + e.getClass().getSimpleName() + ")");
    }
  }
}
