package dev.gantry.activities.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.activities.local.HealthChecker;
import dev.gantry.activities.support.MotoServer;
import dev.gantry.workflows.api.deploy.DeployRequest;
import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.deploy.RollbackRequest;
import dev.gantry.workflows.api.temporal.Failures;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;

/**
 * IAM enforced by moto ({@code /moto-api/reset-auth}): the worker's user may read and write the artifact
 * bucket and read Lambda, but not change the function. The deploy fails non-retryably, naming the action.
 */
class AwsAccessDeniedTest {
  static final String REGION = "eu-west-1";
  @RegisterExtension static final MotoServer moto = MotoServer.perClass();
  MotoWorld admin;
  AwsClients deployer;
  @TempDir Path dir;

  @BeforeEach
  void world() {
    moto.stopEnforcingIam();
    admin = new MotoWorld(moto);
    admin.bucket(REGION);
    admin.function(REGION);
    admin.alarm(REGION);
    AccessKey key;
    try (IamClient iam = admin.iam()) {
      iam.createUser(b -> b.userName("gantry-worker"));
      iam.putUserPolicy(b -> b.userName("gantry-worker").policyName("deploy").policyDocument("""
          {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["s3:*", "lambda:Get*", "lambda:List*", "cloudwatch:Describe*"],
             "Resource": "*"}]}"""));
      key = iam.createAccessKey(b -> b.userName("gantry-worker")).accessKey();
    }
    deployer = new AwsClients(new AwsSettings(moto.endpoint(), key.accessKeyId(), key.secretAccessKey()));
    moto.enforceIam();
  }

  @AfterEach
  void close() {
    moto.stopEnforcingIam();
    deployer.close();
    admin.close();
  }

  @Test
  void aDeployWithoutLambdaPermissionsFailsNonRetryablyNamingTheActionAndRollbackStaysANoOp() {
    LambdaTarget target = new LambdaTarget(deployer, new ArtifactReplicator(deployer),
        new RegionHealthChecks(deployer, new HealthChecker()), Clock.systemUTC());
    DeployTarget deployTarget = DeployTarget.aws(DeployTarget.LAMBDA, admin.target(null));

    assertThatThrownBy(() -> target.deploy(new DeployRequest("release/hello-service/1.4.0", "hello-service",
        "1.4.0", MotoWorld.artifact(dir, "1.4.0"), "production", REGION, deployTarget)))
        .isInstanceOfSatisfying(ApplicationFailure.class, failure -> {
          assertThat(failure.getType()).isEqualTo(Failures.AWS_ACCESS_DENIED);
          assertThat(failure.isNonRetryable()).isTrue();
          assertThat(failure.getOriginalMessage()).contains("update code of hello-service in eu-west-1", "AccessDenied",
              "AWS denied access", "grant the worker's role");
        });
    // The compensation the release registered before the deploy is safe to run: nothing changed.
    assertThat(target.rollback(new RollbackRequest("release/hello-service/1.4.0", "hello-service", "1.4.0",
        "production", REGION, deployTarget, "saga")).changed()).isFalse();
  }

  @Test
  void readingAlarmsWithoutPermissionIsAccessDenied() {
    moto.stopEnforcingIam();
    try (IamClient iam = admin.iam()) {
      iam.putUserPolicy(b -> b.userName("gantry-worker").policyName("deploy").policyDocument("""
          {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["s3:*"], "Resource": "*"}]}"""));
    }
    moto.enforceIam();
    RegionHealthChecks health = new RegionHealthChecks(deployer, new HealthChecker());

    assertThatThrownBy(() -> health.read(admin.target(null), REGION, null, java.util.Map.of()))
        .isInstanceOfSatisfying(ApplicationFailure.class, failure -> {
          assertThat(failure.getType()).isEqualTo(Failures.AWS_ACCESS_DENIED);
          assertThat(failure.getOriginalMessage()).contains("DescribeAlarms", "AccessDenied");
        });
  }
}
