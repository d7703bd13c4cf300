package dev.gantry.workflows.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.workflows.api.approval.ActorTokens;
import dev.gantry.workflows.api.approval.ApprovalPolicy;
import dev.gantry.workflows.api.approval.Approver;
import dev.gantry.workflows.api.approval.ApproverDirectory;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.support.ActorKeys;
import dev.gantry.workflows.support.Releases;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The remembered one-time ids: bounded, spent only by accepted messages, forgotten once expired. */
class SignedActorsTest {
  private static final ActorKeys BOB = ActorKeys.generate();
  private static final long NOW = 1_780_000_000L;
  private final ApproverDirectory directory = new ApproverDirectory("test",
      Map.of("bob", new Approver("bob", List.of(), BOB.publicKeyPem())));

  private static ReleaseRequest signedPlan() {
    ReleaseRequest example = Releases.example();
    List<EnvironmentPlan> environments = new ArrayList<>(example.environments());
    EnvironmentPlan prod = environments.get(2);
    environments.set(2, prod.toBuilder()
        .approval(new ApprovalPolicy(true, List.of("bob"), 1, 72, List.of(), null, null, null, true, null, null, 600))
        .build());
    return new ReleaseRequest(example.application(), example.version(), example.artifact(), environments,
        "dana", "test");
  }

  private String pause(String id, long iat) {
    return BOB.token(signedPlan().releaseId(), null, Releases.DIGEST, ActorTokens.PAUSE, null, "bob", iat, 600, id);
  }

  @Test
  void checksSpendNothingAcceptedTokensAreSpentOnceAndTheSetStaysBounded() {
    SignedActors actors = new SignedActors(signedPlan(), true);
    assertThat(actors.signed()).isTrue();
    assertThat(actors.maxLifetimeSeconds()).as("the policy's maxTokenLifetime").isEqualTo(600);
    String token = pause("one", NOW);
    ActorTokens.Verdict first = actors.check(token, "bob", ActorTokens.PAUSE, null, null, directory, NOW * 1000);
    assertThat(first.good()).isTrue();
    assertThat(actors.check(token, "bob", ActorTokens.PAUSE, null, null, directory, NOW * 1000).good())
        .as("a check (an update validator) spends nothing").isTrue();
    actors.remember(first, NOW * 1000);
    assertThat(actors.check(token, "bob", ActorTokens.PAUSE, null, null, directory, NOW * 1000).problem())
        .contains("already used");

    for (int i = 0; i < SignedActors.MAX_USED; i++) {
      actors.remember(new ActorTokens.Verdict(null, "filler-" + i, NOW + 300, "k"), NOW * 1000);
    }
    assertThat(actors.check(pause("two", NOW), "bob", ActorTokens.PAUSE, null, null, directory, NOW * 1000)
        .problem()).contains("signed messages are remembered and not yet expired");
    // ten minutes later every remembered token has expired: new ones are taken, the old ids are forgotten
    long later = NOW + 700;
    ActorTokens.Verdict fresh = actors.check(pause("three", later), "bob", ActorTokens.PAUSE, null, null, directory,
        later * 1000);
    assertThat(fresh.good()).isTrue();
    actors.remember(fresh, later * 1000);
    assertThat(actors.remembered()).isEqualTo(1);
  }

  @Test
  void aReleaseWithoutASignedEnvironmentOrFromBeforeSignedActorsIsPlain() {
    assertThat(new SignedActors(Releases.example(), true).signed()).isFalse();
    assertThat(new SignedActors(signedPlan(), false).signed()).isFalse();
  }
}
