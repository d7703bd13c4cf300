package dev.gantry.starter.cli;

import dev.gantry.starter.client.ActorSigner;
import dev.gantry.starter.client.GantryClient;
import dev.gantry.starter.client.GantryException;
import dev.gantry.workflows.api.approval.ActorTokens;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gantry approval-token}: mints a signed actor token (a compact JWS, ES256) for one message to a
 * signed release, to paste into the {@code token} field of a signal sent from the Temporal UI. The CLI and
 * the Java client sign by themselves with the profile's key; this command is for the UI path. The private
 * key never leaves this process; only the token is printed.
 */
@Command(name = "approval-token", mixinStandardHelpOptions = true,
    description = "Mint a signed token for one message to a signed release (to paste into a Temporal UI signal).")
class ApprovalTokenCommand implements Callable<Integer> {
  @Option(names = {"--signing-key", "--key"}, paramLabel = "PKCS8_PEM",
      description = "Your private key (EC P-256, PKCS#8 PEM); its public key is in the approvers directory"
          + " (default: GANTRY_SIGNING_KEY, then the profile's signingKey).")
  Path key;

  @Option(names = "--profile", description = "Profile of the config file whose signingKey to use (env GANTRY_PROFILE).")
  String profile;

  @Option(names = "--release", required = true, description = "release/<app>/<version>; for drain, failback and stop the"
      + " traffic owner, traffic/<app>/<dns name> (`gantry region status` names it); for destroy env-destroy/<app>/<env>.")
  String releaseId;

  @Option(names = "--environment", description = "The environment the message is about (approve, reject,"
      + " override, freeze, cab-decision); none for pause and resume.")
  String environment;

  @Option(names = "--digest", description = "The artifact digest the release deploys (sha256:...); none for drain,"
      + " failback, stop, destroy and remediate.")
  String digest;

  @Option(names = "--region", description = "drain, failback: the region.")
  String region;

  @Option(names = "--as", required = true, paramLabel = "NAME", description = "Your name in the approvers directory.")
  String actor;

  @Option(names = {"--action", "--decision"}, defaultValue = "approve",
      description = "approve, reject, override, freeze, cab-decision, pause, resume, abort, rollback, drain, failback,"
          + " stop, destroy or remediate"
          + " (default ${DEFAULT-VALUE}).")
  String action;

  @Option(names = "--gate", description = "override: the gate (window, quality or cab).")
  String gate;

  @Option(names = "--from", description = "freeze: the first day, as in the signal.")
  String from;

  @Option(names = "--to", description = "freeze: the last day, as in the signal.")
  String to;

  @Option(names = "--ticket", description = "cab-decision: the change ticket id.")
  String ticket;

  @Option(names = "--state", description = "cab-decision: APPROVED or REJECTED.")
  String state;

  @Option(names = "--valid-for", defaultValue = "PT10M",
      description = "Token lifetime, at most the policy's maxTokenLifetime (at most PT1H; default ${DEFAULT-VALUE}).")
  Duration validFor;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (!ActorTokens.ACTIONS.contains(action) || ActorTokens.REQUEST.equals(action)) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--action must be one of approve, reject,"
          + " override, freeze, cab-decision, pause, resume, abort, rollback, drain, failback, stop, destroy, remediate (a request is"
          + " signed by"
          + " `gantry release start`)");
    }
    boolean wholeRelease = ActorTokens.PAUSE.equals(action) || ActorTokens.RESUME.equals(action)
        || ActorTokens.ABORT.equals(action);
    if (!wholeRelease && environment == null) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--environment is required for " + action);
    }
    String detail = switch (action) {
      case ActorTokens.OVERRIDE -> required(gate, "--gate");
      case ActorTokens.FREEZE -> required(from, "--from") + ".." + required(to, "--to");
      case ActorTokens.CAB_DECISION -> required(ticket, "--ticket") + ":" + required(state, "--state");
      case ActorTokens.DRAIN, ActorTokens.FAILBACK -> required(region, "--region");
      default -> null;
    };
    ConnectionOptions options = new ConnectionOptions();
    options.signingKey = key;
    options.profile = profile;
    Path signingKey = options.signingKey(System.getenv());
    if (signingKey == null) {
      throw new GantryException("no signing key: pass --signing-key, set GANTRY_SIGNING_KEY, or add signingKey to"
          + " your profile");
    }
    boolean traffic = ActorTokens.DRAIN.equals(action) || ActorTokens.FAILBACK.equals(action)
        || ActorTokens.STOP.equals(action);
    String target;
    String boundDigest;
    if (ActorTokens.DESTROY.equals(action) || ActorTokens.REMEDIATE.equals(action)) {
      String prefix = ActorTokens.DESTROY.equals(action) ? "env-destroy/" : "drift/";
      if (!releaseId.startsWith(prefix) || releaseId.split("/", -1).length != 3) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--release must be the workflow's id, "
            + prefix + "<app>/<env>..., for " + action);
      }
      target = releaseId;
      boundDigest = ActorTokens.NO_ARTIFACT;
    } else if (traffic) {
      if (!releaseId.startsWith("traffic/") || releaseId.split("/", -1).length != 3) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--release must be the traffic owner,"
            + " traffic/<app>/<dns name>, for " + action + " (`gantry region status APP ENV` names it)");
      }
      target = releaseId;
      boundDigest = ActorTokens.NO_ARTIFACT;
    } else {
      target = GantryClient.normalize(releaseId);
      boundDigest = required(digest, "--digest");
      boundDigest = boundDigest.startsWith("sha256:") ? boundDigest : "sha256:" + boundDigest;
    }
    spec.commandLine().getOut().println(ActorSigner.fromPem(signingKey, validFor).sign(
        target, wholeRelease ? null : environment, boundDigest, action, detail, actor));
    spec.commandLine().getOut().flush();
    return GantryCli.OK;
  }

  private String required(String value, String option) {
    if (value == null || value.isBlank()) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), option + " is required for " + action);
    }
    return value.trim();
  }
}
