package dev.gantry.bench;

import dev.gantry.activities.aws.AwsClients;
import dev.gantry.activities.aws.AwsSettings;
import dev.gantry.activities.environment.AwsEnvironments;
import dev.gantry.activities.environment.SecretReferences;
import dev.gantry.starter.client.Environments;
import dev.gantry.starter.client.GantryClient;
import dev.gantry.workflows.api.approval.ApprovalPolicy;
import dev.gantry.workflows.api.artifact.Sha256;
import dev.gantry.workflows.api.aws.AwsTarget;
import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.deploy.HealthCheck;
import dev.gantry.workflows.api.environment.ConfigRequest;
import dev.gantry.workflows.api.environment.DriftReport;
import dev.gantry.workflows.api.environment.EnvironmentConfig;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.signing.VerificationPolicy;
import dev.gantry.workflows.api.temporal.TaskQueues;
import io.temporal.worker.WorkerFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.core.SdkBytes;

/**
 * Drift-check time of one environment: 4 regions (Lambda alias + version per region) x N parameters in SSM
 * Parameter Store per region (moto), run as the real {@code DriftDetection} workflow on the real dev server
 * with its worker in this JVM. Also times the config read alone (the SSM pagination: 10 parameters a page).
 *
 * <pre>bench/run-drift.sh [--parameters 200] [--runs 5]</pre>
 */
public final class DriftCheckBench {
  static final String APPLICATION = "fanout-app";

  public static void main(String[] args) {
    int exit = 1;
    try {
      exit = run(args);
    } catch (Exception e) {
      System.err.println("drift benchmark FAILED: " + e);
      e.printStackTrace();
    }
    System.exit(exit);
  }

  static int run(String[] args) throws Exception {
    String address = "127.0.0.1:7233";
    URI moto = null;
    String serverKind = "?";
    Path results = Path.of("bench/results");
    int parameters = 200;
    int runs = 5;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--address" -> address = args[++i];
        case "--moto" -> moto = URI.create(args[++i]);
        case "--server-kind" -> serverKind = args[++i];
        case "--results" -> results = Path.of(args[++i]);
        case "--parameters" -> parameters = Integer.parseInt(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Path work = Files.createTempDirectory("gantry-drift-bench");
    AwsClients aws = new AwsClients(new AwsSettings(moto, "testing", "testing"));
    try (GantryClient gantry = GantryClient.connect(address, "default")) {
      AwsTarget target = FanOutBench.world(aws);
      byte[] code = FanOutBench.zip("1.0.0");
      String digest = Sha256.tagged(code);
      for (String region : FanOutBench.REGIONS) {
        var lambda = aws.lambda(region);
        lambda.updateFunctionCode(b -> b.functionName(FanOutBench.FUNCTION).zipFile(SdkBytes.fromByteArray(code)));
        String version = lambda.publishVersion(b -> b.functionName(FanOutBench.FUNCTION).description("1.0.0")).version();
        lambda.createAlias(b -> b.functionName(FanOutBench.FUNCTION).name("live").functionVersion(version));
      }
      String record = "{\"application\":\"" + APPLICATION + "\",\"version\":\"1.0.0\",\"artifactDigest\":\"" + digest
          + "\",\"releaseId\":\"release/" + APPLICATION + "/1.0.0\",\"regions\":[\""
          + String.join("\",\"", FanOutBench.REGIONS) + "\"]}";
      for (String region : FanOutBench.REGIONS) {
        aws.s3(region).putObject(b -> b.bucket("gantry-artifacts-" + region).key(APPLICATION + "/bench/deployed.json"),
            software.amazon.awssdk.core.sync.RequestBody.fromString(record));
      }
      Map<String, String> variables = new LinkedHashMap<>();
      for (int i = 0; i < parameters; i++) {
        variables.put(String.format(Locale.ROOT, "PARAM_%03d", i), "value-" + i);
      }
      EnvironmentPlan plan = EnvironmentPlan.builder()
          .name("bench")
          .primaryRegion("us-east-1")
          .waves(List.of(List.of("us-east-1"), FanOutBench.REGIONS.subList(1, 4)))
          .target(DeployTarget.aws(DeployTarget.LAMBDA, target))
          .healthCheck(new HealthCheck(null, null, 30, 1, 1))
          .approval(ApprovalPolicy.none())
          .variables(variables)
          .verification(VerificationPolicy.notRequired())
          .environmentConfig(new EnvironmentConfig(true, null, null, null, null, null))
          .build();
      AwsEnvironments store = new AwsEnvironments(aws, new SecretReferences(System::getenv, aws));
      ConfigRequest config = new ConfigRequest(APPLICATION, "bench", plan.target(), plan.regions(), variables, Map.of());
      long applyStart = System.nanoTime();
      store.applyConfig(config);
      double applySeconds = (System.nanoTime() - applyStart) / 1e9;

      WorkerFactory factory = WorkerFactory.newInstance(gantry.workflowClient());
      BenchActivities.in(work, gantry.workflowClient()).aws(aws).environments(List.of(store))
          .policy(new PlanAsGiven().knowing(APPLICATION, plan))
          .registerOn(factory.newWorker(TaskQueues.RELEASE));
      factory.start();
      // the drift check asks Temporal whether a worker polls first (Workers.require): wait for our first poll
      for (int i = 0; i < 300 && !dev.gantry.starter.client.Workers.polling(gantry.workflowClient(),
          TaskQueues.RELEASE); i++) {
        Thread.sleep(100);
      }
      double[] workflow = new double[runs];
      double[] readConfig = new double[runs];
      int differences = -1;
      try {
        Environments environments = new Environments(gantry.workflowClient());
        for (int run = 0; run < runs; run++) {
          long start = System.nanoTime();
          DriftReport report = environments.checkDrift(APPLICATION, plan, "bench", Duration.ofMinutes(5));
          workflow[run] = (System.nanoTime() - start) / 1e9;
          differences = report.differences().size();
          start = System.nanoTime();
          int read = store.readConfig(config).parameters().size();
          readConfig[run] = (System.nanoTime() - start) / 1e9;
          System.err.printf(Locale.ROOT, "drift: run %d: workflow %.3fs, SSM read of %d parameters %.3fs, %d difference(s)%n",
              run, workflow[run], read, readConfig[run], differences);
        }
      } finally {
        factory.shutdown();
        factory.awaitTermination(10, TimeUnit.SECONDS);
      }
      Arrays.sort(workflow);
      Arrays.sort(readConfig);
      StringBuilder csv = new StringBuilder("measure,median_s,max_s\n")
          .append("drift_workflow,").append(f(workflow[runs / 2])).append(',').append(f(workflow[runs - 1])).append('\n')
          .append("ssm_read_all_regions,").append(f(readConfig[runs / 2])).append(',').append(f(readConfig[runs - 1]))
          .append('\n');
      String md = "# Drift check of one environment: 4 regions x " + parameters + " parameters\n\n"
          + "`bench/run-drift.sh` (`dev.gantry.bench.DriftCheckBench`), " + Instant.now() + ". " + runs
          + " drift checks of an environment with " + FanOutBench.REGIONS.size() + " Lambda regions and " + parameters
          + " SSM parameters per region (" + (parameters * FanOutBench.REGIONS.size()) + " in all), every check clean ("
          + differences + " differences).\n\n"
          + "- Temporal: " + serverKind + " (one history shard; not a capacity figure); worker in the harness JVM\n"
          + "- AWS: moto " + moto + "; SSM GetParametersByPath returns at most 10 parameters a page, so one region is "
          + (parameters + 9) / 10 + " calls; moto answers in milliseconds, AWS in tens of milliseconds per call and"
          + " throttles GetParametersByPath, so expect several times these figures on AWS\n"
          + "- machine: " + Runtime.getRuntime().availableProcessors() + " cores (shared), "
          + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + "\n\n"
          + "| measure | median (s) | max (s) |\n|---|---|---|\n"
          + "| drift check, start of the DriftDetection workflow to its report (client side) | " + f(workflow[runs / 2])
          + " | " + f(workflow[runs - 1]) + " |\n"
          + "| reading the " + parameters * FanOutBench.REGIONS.size() + " parameters alone (4 regions, sequential) | "
          + f(readConfig[runs / 2]) + " | " + f(readConfig[runs - 1]) + " |\n"
          + "\nFirst apply of the " + parameters * FanOutBench.REGIONS.size() + " parameters (PutParameter each): "
          + f(applySeconds) + " s.\n";
      Files.createDirectories(results);
      Files.writeString(results.resolve("drift-check.md"), md, StandardCharsets.UTF_8);
      Files.writeString(results.resolve("drift-check.csv"), csv, StandardCharsets.UTF_8);
      System.out.println(md);
      return differences == 0 ? 0 : 1;
    } finally {
      aws.close();
    }
  }

  private static String f(double seconds) {
    return String.format(Locale.ROOT, "%.3f", seconds);
  }
}
