package dev.gantry.workflows.api.deploy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.gantry.workflows.api.aws.AwsTarget;
import dev.gantry.workflows.api.kubernetes.KubernetesSettings;

/**
 * Where an environment's regions are deployed.
 *
 * @param type {@code local} (a directory tree on the worker's machine), {@code lambda} (an AWS Lambda
 *             function per region, moved by an alias), {@code ecs} (an Amazon ECS service per region) or
 *             {@code kubernetes} (Deployments in a cluster per region)
 * @param root for {@code local}: the absolute root folder, under which {@code <env>/<region>/} live
 * @param aws  for {@code lambda} and {@code ecs}: account, buckets, function or service, routing and
 *             health per region; null for {@code local} (and in histories recorded before it existed)
 * @param kubernetes for {@code kubernetes}: the cluster, namespace and Deployments of each region; null for the
 *             other types (and in histories recorded before it existed)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DeployTarget(String type, String root, AwsTarget aws, KubernetesSettings kubernetes) {
  public static final String LOCAL = "local";
  public static final String LAMBDA = "lambda";
  public static final String ECS = "ecs";
  public static final String KUBERNETES = "kubernetes";

  /** The {@code local} target (and every target recorded before AWS targets existed). */
  public DeployTarget(String type, String root) {
    this(type, root, null, null);
  }

  public DeployTarget(String type, String root, AwsTarget aws) {
    this(type, root, aws, null);
  }

  public static DeployTarget aws(String type, AwsTarget aws) {
    return new DeployTarget(type, null, aws, null);
  }

  public static DeployTarget kubernetes(KubernetesSettings kubernetes) {
    return new DeployTarget(KUBERNETES, null, null, kubernetes);
  }
}
