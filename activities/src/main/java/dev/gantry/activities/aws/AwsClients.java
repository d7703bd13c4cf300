package dev.gantry.activities.aws;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * One SDK client per service and region, built on first use and kept: clients are thread-safe and
 * expensive to build (each owns a connection pool). All share one credentials provider.
 */
public class AwsClients implements AutoCloseable {
  private final AwsSettings settings;
  private final AwsCredentialsProvider credentials;
  private final Map<String, AutoCloseable> clients = new ConcurrentHashMap<>();

  public AwsClients(AwsSettings settings) {
    this.settings = settings;
    this.credentials = settings.staticCredentials()
        ? StaticCredentialsProvider.create(
            AwsBasicCredentials.create(settings.accessKeyId(), settings.secretAccessKey()))
        : DefaultCredentialsProvider.builder().build();
  }

  public AwsSettings settings() {
    return settings;
  }

  public AwsCredentialsProvider credentials() {
    return credentials;
  }

  public S3Client s3(String region) {
    return client("s3", region, r -> configure(S3Client.builder(), r)
        // moto (and other emulators) serve buckets by path, not by virtual host
        .forcePathStyle(settings.endpoint() != null)
        // the SDK's default checksums (since 2.30) trip emulators; AWS accepts either
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .build());
  }

  public LambdaClient lambda(String region) {
    return client("lambda", region, r -> configure(LambdaClient.builder(), r).build());
  }

  public EcsClient ecs(String region) {
    return client("ecs", region, r -> configure(EcsClient.builder(), r).build());
  }

  /**
   * CloudWatch alarms over the Query protocol. The SDK's own CloudWatch client speaks Smithy RPCv2 CBOR
   * (since 2.3x), which moto does not serve; CloudWatch itself keeps accepting the Query protocol.
   */
  public CloudWatchAlarms cloudWatch(String region) {
    return client("cloudwatch", region, r -> new CloudWatchAlarms(settings, credentials, r.id()));
  }

  /** SSM Parameter Store: environment configuration under {@code /gantry/<app>/<env>/}. */
  public software.amazon.awssdk.services.ssm.SsmClient ssm(String region) {
    return client("ssm", region, r -> configure(software.amazon.awssdk.services.ssm.SsmClient.builder(), r).build());
  }

  /** CloudFormation: an environment's stack per region. */
  public software.amazon.awssdk.services.cloudformation.CloudFormationClient cloudFormation(String region) {
    return client("cloudformation", region, r -> configure(
        software.amazon.awssdk.services.cloudformation.CloudFormationClient.builder(), r).build());
  }

  /** Route 53 is a global service: one client, signed for {@code aws-global}. */
  public Route53Client route53() {
    return client("route53", Region.AWS_GLOBAL.id(), r -> configure(Route53Client.builder(), r).build());
  }

  @SuppressWarnings("unchecked")
  private <C extends AutoCloseable> C client(String service, String region, Function<Region, C> build) {
    return (C) clients.computeIfAbsent(service + "/" + region, key -> build.apply(Region.of(region)));
  }

  private <B extends AwsClientBuilder<B, ?>> B configure(B builder, Region region) {
    builder.region(region).credentialsProvider(credentials);
    if (settings.endpoint() != null) {
      builder.endpointOverride(settings.endpoint());
    }
    return builder;
  }

  @Override
  public void close() {
    for (AutoCloseable client : clients.values()) {
      try {
        client.close();
      } catch (Exception ignored) {
        // closing is best effort
      }
    }
    clients.clear();
  }
}
