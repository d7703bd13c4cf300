package dev.gantry.activities.aws;

import dev.gantry.activities.local.Digests;
import dev.gantry.activities.support.MotoServer;
import dev.gantry.workflows.api.artifact.ArtifactRef;
import dev.gantry.workflows.api.aws.AwsRegionSettings;
import dev.gantry.workflows.api.aws.AwsTarget;
import dev.gantry.workflows.api.aws.LambdaSettings;
import dev.gantry.workflows.api.aws.Route53Settings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.lambda.model.Runtime;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

/**
 * An AWS world in moto for the tests: an IAM role, the function, buckets and alarms per region, a hosted
 * zone. Everything is created through the real SDK against the emulator.
 */
final class MotoWorld implements AutoCloseable {
  static final List<String> REGIONS = List.of("us-east-1", "us-west-2", "eu-west-1", "ap-southeast-1");
  static final String ACCOUNT = "123456789012"; // moto's default account
  static final String FUNCTION = "hello-service";
  static final String ALIAS = "live";
  static final String RECORD = "api.hello.example.com";

  final MotoServer moto;
  final AwsClients clients;
  private String roleArn;

  MotoWorld(MotoServer moto) {
    this.moto = moto;
    this.clients = new AwsClients(new AwsSettings(moto.endpoint(), "testing", "testing"));
  }

  IamClient iam() {
    return IamClient.builder().endpointOverride(moto.endpoint()).credentialsProvider(moto.credentials())
        .region(software.amazon.awssdk.regions.Region.AWS_GLOBAL).build();
  }

  String roleArn() {
    if (roleArn == null) {
      try (IamClient iam = iam()) {
        roleArn = iam.createRole(b -> b.roleName("hello-service-lambda")
            .assumeRolePolicyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                + "\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"))
            .role().arn();
      }
    }
    return roleArn;
  }

  static String bucketOf(String region) {
    return "gantry-artifacts-" + region;
  }

  void bucket(String region) {
    clients.s3(region).createBucket(b -> {
      b.bucket(bucketOf(region));
      if (!"us-east-1".equals(region)) {
        b.createBucketConfiguration(c -> c.locationConstraint(region));
      }
    });
    // Gantry deploys the object version it checked: artifact buckets are versioned.
    clients.s3(region).putBucketVersioning(b -> b.bucket(bucketOf(region))
        .versioningConfiguration(v -> v.status(software.amazon.awssdk.services.s3.model.BucketVersioningStatus.ENABLED)));
  }

  void function(String region) {
    clients.lambda(region).createFunction(b -> b.functionName(FUNCTION).runtime(Runtime.PYTHON3_12)
        .role(roleArn()).handler("app.handler")
        .code(c -> c.zipFile(SdkBytes.fromByteArray(zip("print('created')")))));
  }

  static String alarmOf(String region) {
    return "hello-5xx-" + region;
  }

  void alarm(String region) {
    clients.cloudWatch(region).putMetricAlarm(alarmOf(region), "hello", "5xx", 5.0);
    setAlarm(region, "OK");
  }

  /** CloudWatch's SetAlarmState: moto never evaluates alarms, so the tests set their state. */
  void setAlarm(String region, String state) {
    clients.cloudWatch(region).setState(alarmOf(region), state, "set by the test");
  }

  String hostedZone() {
    return clients.route53().createHostedZone(b -> b.name("example.com").callerReference("gantry-test"))
        .hostedZone().id();
  }

  /** Function, bucket and alarm in every region. */
  void everywhere() {
    REGIONS.forEach(this::region);
  }

  /** Function, bucket and alarm in one region. */
  void region(String region) {
    bucket(region);
    function(region);
    alarm(region);
  }

  /** The Lambda adapter over this world's clients, checking health with {@code health}. */
  LambdaTarget lambdaTarget(RegionHealthChecks health) {
    return new LambdaTarget(clients, new ArtifactReplicator(clients), health, java.time.Clock.systemUTC());
  }

  LambdaTarget lambdaTarget() {
    return lambdaTarget(new RegionHealthChecks(clients, new dev.gantry.activities.local.HealthChecker()));
  }

  AwsTarget target(String zoneId) {
    Map<String, AwsRegionSettings> regions = new LinkedHashMap<>();
    for (String region : REGIONS) {
      regions.put(region, new AwsRegionSettings(null, List.of(alarmOf(region)), null,
          "us-east-1".equals(region) ? 40 : 20, "hello-" + region + ".example.com"));
    }
    return new AwsTarget(ACCOUNT, "gantry-artifacts-{region}", new LambdaSettings(FUNCTION, ALIAS, roleArn()),
        null, zoneId == null ? null : new Route53Settings(zoneId, RECORD, Route53Settings.WEIGHTED, 60),
        regions, 0);
  }

  String aliasVersion(String region) {
    return clients.lambda(region).getAlias(b -> b.functionName(FUNCTION).name(ALIAS)).functionVersion();
  }

  /** The Gantry version the alias serves (the published version's description). */
  String aliasServes(String region) {
    String version = aliasVersion(region);
    return clients.lambda(region).getFunctionConfiguration(b -> b.functionName(FUNCTION).qualifier(version))
        .description();
  }

  long publishedVersions(String region) {
    return clients.lambda(region).listVersionsByFunction(b -> b.functionName(FUNCTION)).versions().stream()
        .filter(v -> !"$LATEST".equals(v.version())).count();
  }

  String replicaDigest(String region, String key) {
    byte[] bytes = clients.s3(region).getObjectAsBytes(b -> b.bucket(bucketOf(region)).key(key)).asByteArray();
    return sha256(bytes);
  }

  void putObject(String region, String key, byte[] bytes) {
    clients.s3(region).putObject(b -> b.bucket(bucketOf(region)).key(key), RequestBody.fromBytes(bytes));
  }

  Map<String, Long> weights(String zoneId) {
    Map<String, Long> weights = new LinkedHashMap<>();
    for (ResourceRecordSet record : clients.route53().listResourceRecordSets(b -> b.hostedZoneId(zoneId))
        .resourceRecordSets()) {
      if (record.setIdentifier() != null && record.name().startsWith(RECORD)) {
        weights.put(record.setIdentifier(), record.weight());
      }
    }
    return weights;
  }

  /** A deployment package with a signature file beside it, as the signing step leaves them. */
  static ArtifactRef artifact(Path dir, String version) {
    try {
      Path file = dir.resolve("hello-service-" + version + ".zip");
      Files.write(file, zip("def handler(event, context):\n    return '" + version + "'\n"));
      Files.writeString(file.resolveSibling(file.getFileName() + ".sig"), "signature-of-" + version);
      return ArtifactRef.file(file.toString(), Digests.sha256(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] zip(String code) {
    try (ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ZipOutputStream zip = new ZipOutputStream(bytes)) {
      zip.putNextEntry(new ZipEntry("app.py"));
      zip.write(code.getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
      zip.finish();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return "sha256:" + java.util.HexFormat.of().formatHex(
          java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    clients.close();
  }
}
