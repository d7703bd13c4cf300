package dev.gantry.activities.flags;

import static dev.gantry.workflows.api.flags.FeatureFlagActivities.CREDENTIAL_MISSING;
import static dev.gantry.workflows.api.flags.FeatureFlagActivities.INVALID_SETTINGS;
import static dev.gantry.workflows.api.flags.FeatureFlagActivities.UNAVAILABLE;

import dev.gantry.activities.support.BoundedFiles;
import dev.gantry.workflows.api.flags.SplitSettings;
import io.split.client.SplitClientConfig;
import io.split.client.SplitFactory;
import io.split.client.SplitFactoryBuilder;
import io.split.client.api.SplitView;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Flag evaluation with the Split Java SDK.
 * <ul>
 *   <li><b>Localhost mode</b> ({@code localhostFile}): {@code SplitFactoryBuilder.build("localhost", config)}
 *       with {@code splitFile}. A {@code .json} file (the SDK's flag-definition format, the only one that
 *       can express percentages) or a {@code .yaml}/{@code .yml} file (per-key treatments). A factory is
 *       built for each call and destroyed after it, so an edited file is always read afresh; offline.</li>
 *   <li><b>SDK-key mode</b> ({@code sdkKeyEnv}): one factory per key for the worker's lifetime (it syncs
 *       with Split in the background), destroyed by {@link #close()}. Needs the network to Split: not
 *       exercised by the tests here.</li>
 * </ul>
 * {@code blockUntilReady} waits at most {@code readyTimeoutMillis}; not ready in time is retryable.
 */
public final class SplitSdkFlags implements AutoCloseable {
  /** Thousands of flag definitions fit in a few megabytes. */
  static final long MAX_LOCALHOST_FILE_BYTES = 16 * BoundedFiles.MIB;
  /** What one flag looks like to the SDK. */
  public record SdkFlag(String name, boolean killed, String defaultTreatment, List<String> treatments) {}

  private final Function<String, String> environment;
  private final int readyTimeoutMillis;
  private final Map<String, SplitFactory> online = new LinkedHashMap<>();

  public SplitSdkFlags(Function<String, String> environment, int readyTimeoutMillis) {
    this.environment = environment;
    this.readyTimeoutMillis = readyTimeoutMillis;
  }

  /** The flags by name (null for a flag the SDK does not know). */
  public Map<String, SdkFlag> flags(SplitSettings split, List<String> names) {
    return withFactory(split, factory -> {
      Map<String, SdkFlag> found = new LinkedHashMap<>();
      for (String name : names) {
        SplitView view = factory.manager().split(name);
        found.put(name, view == null ? null
            : new SdkFlag(view.name, view.killed, view.defaultTreatment, view.treatments));
      }
      return found;
    });
  }

  /** The treatment of {@code flag} for {@code key}; {@code control} if the flag does not exist. */
  public String treatment(SplitSettings split, String flag, String key, Map<String, Object> attributes) {
    return withFactory(split, factory -> factory.client().getTreatment(key, flag,
        attributes == null ? Map.of() : attributes));
  }

  /** {@code split-sdk localhost <file>} or {@code split-sdk} (online). */
  public static String source(SplitSettings split) {
    return split.localhostFile() != null && !split.localhostFile().isBlank()
        ? "split-sdk localhost " + split.localhostFile() : "split-sdk " + split.environment();
  }

  private <T> T withFactory(SplitSettings split, Function<SplitFactory, T> work) {
    if (split == null || !split.hasSdk()) {
      throw ApplicationFailure.newNonRetryableFailure("flags.split has neither 'localhostFile' nor 'sdkKeyEnv':"
          + " the SDK cannot evaluate flags", INVALID_SETTINGS);
    }
    if (split.localhostFile() != null && !split.localhostFile().isBlank()) {
      Path file = Path.of(split.localhostFile());
      if (!Files.isRegularFile(file)) {
        throw ApplicationFailure.newNonRetryableFailure("flags.split.localhostFile " + file + " does not exist on"
            + " the worker", INVALID_SETTINGS);
      }
      requireSmall(file);
      SplitFactory factory = build("localhost", SplitClientConfig.builder()
          .splitFile(file.toString())
          .setBlockUntilReadyTimeout(readyTimeoutMillis)
          .build(), "localhost file " + file);
      try {
        ready(factory, "localhost file " + file);
        return work.apply(factory);
      } finally {
        factory.destroy();
      }
    }
    String variable = split.sdkKeyEnv().trim();
    SplitFactory factory;
    synchronized (online) {
      factory = online.get(variable);
      if (factory == null) {
        String key = environment.apply(variable);
        if (key == null || key.isBlank()) {
          throw ApplicationFailure.newNonRetryableFailure("environment variable " + variable + " (named by"
              + " flags.split.sdkKeyEnv) is not set on the worker: export a server-side SDK key", CREDENTIAL_MISSING);
        }
        factory = build(key.trim(), SplitClientConfig.builder().setBlockUntilReadyTimeout(readyTimeoutMillis)
            .build(), "Split (SDK key from " + variable + ")");
        online.put(variable, factory);
      }
    }
    ready(factory, "Split (SDK key from " + variable + ")");
    return work.apply(factory);
  }

  /** The SDK reads the whole flag file; one far bigger than any flag set is refused before it does. */
  private static void requireSmall(Path file) {
    try {
      if (Files.size(file) > MAX_LOCALHOST_FILE_BYTES) {
        throw ApplicationFailure.newNonRetryableFailure("flags.split.localhostFile " + file + " is larger than "
            + BoundedFiles.size(MAX_LOCALHOST_FILE_BYTES), INVALID_SETTINGS);
      }
    } catch (IOException e) {
      throw ApplicationFailure.newNonRetryableFailure("flags.split.localhostFile " + file + " "
          + BoundedFiles.describe(e), INVALID_SETTINGS);
    }
  }

  private static SplitFactory build(String key, SplitClientConfig config, String what) {
    try {
      return SplitFactoryBuilder.build(key, config);
    } catch (Exception e) {
      // The class only: the SDK's message may quote the flag file it could not read.
      throw ApplicationFailure.newNonRetryableFailure("the Split SDK cannot start for " + what + " ("
          + e.getClass().getSimpleName() + ")", INVALID_SETTINGS);
    }
  }

  private void ready(SplitFactory factory, String what) {
    try {
      factory.client().blockUntilReady();
    } catch (TimeoutException e) {
      throw ApplicationFailure.newFailure("the Split SDK was not ready within " + readyTimeoutMillis + " ms for "
          + what + "; will retry", UNAVAILABLE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure("interrupted while the Split SDK got ready", UNAVAILABLE);
    }
  }

  @Override
  public void close() {
    synchronized (online) {
      online.values().forEach(SplitFactory::destroy);
      online.clear();
    }
  }
}
