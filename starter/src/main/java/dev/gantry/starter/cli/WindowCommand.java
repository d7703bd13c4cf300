package dev.gantry.starter.cli;

import dev.gantry.activities.window.DeploymentWindowActivitiesImpl;
import dev.gantry.starter.spec.Policy;
import dev.gantry.starter.spec.PolicyDirectory;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.input.Names;
import dev.gantry.workflows.api.window.DeploymentWindowPolicies;
import dev.gantry.workflows.api.window.DeploymentWindowPolicy;
import dev.gantry.workflows.api.window.Freeze;
import dev.gantry.workflows.api.window.WeeklyWindow;
import dev.gantry.workflows.api.window.WindowCheckRequest;
import dev.gantry.workflows.api.window.WindowDecision;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code gantry window next|explain}: when may an environment deploy? Answered from the platform policy
 * directory by the worker's own window check ({@link DeploymentWindowActivitiesImpl}, the activity a release
 * runs at its window gate: weekly windows, freezes, recurring freezes and holiday calendars), without starting
 * a release or asking Temporal.
 */
@Command(name = "window", mixinStandardHelpOptions = true,
    description = "When may an environment deploy? Its deployment window, from the platform policy.",
    subcommands = {WindowCommand.Next.class, WindowCommand.Explain.class})
class WindowCommand {

  abstract static class Base implements Callable<Integer>, OutputOption.Holder {
    @Option(names = "--environment", required = true, paramLabel = "ENV", description = "The environment, e.g."
        + " production.")
    String environment;

    @Option(names = "--at", paramLabel = "TIME", description = "Judge this instant instead of now: an instant"
        + " (2026-12-24T16:00:00Z), a date-time with offset (2026-12-24T17:00+01:00) or a local date-time,"
        + " read in the window's time zone (2026-12-24T17:00).")
    String at;

    @Option(names = "--policy", paramLabel = "DIR", description = "The platform policy directory (the folder of"
        + " policy.yaml; env GANTRY_POLICY).")
    Path policyDirectory;

    @Option(names = "--application", paramLabel = "APP", description = "Whose settings of the environment to"
        + " read, where applications' windows differ (default: the one window every application shares).")
    String application;

    @Mixin OutputOption output;
    @Spec CommandSpec spec;

    @Override
    public OutputOption outputOption() {
      return output;
    }

    @Override
    public Integer call() {
      Path directory = policyDirectory != null ? policyDirectory
          : System.getenv("GANTRY_POLICY") == null || System.getenv("GANTRY_POLICY").isBlank() ? null
              : Path.of(System.getenv("GANTRY_POLICY"));
      if (directory == null) {
        throw new IllegalArgumentException("no policy directory: give --policy DIR (the folder of policy.yaml)"
            + " or set GANTRY_POLICY");
      }
      Policy policy = new PolicyDirectory().loadForReading(directory);
      DeploymentWindowPolicy window = window(policy);
      Instant instant = instant(window);
      WindowDecision decision;
      try {
        decision = new DeploymentWindowActivitiesImpl().evaluate(new WindowCheckRequest(environment, window,
            instant.toEpochMilli(), null));
      } catch (io.temporal.failure.ApplicationFailure invalid) {
        throw new IllegalArgumentException(invalid.getOriginalMessage());
      }
      print(spec.commandLine().getOut(), window, instant, decision);
      return GantryCli.OK;
    }

    abstract void print(PrintWriter out, DeploymentWindowPolicy window, Instant at, WindowDecision decision);

    /** The environment's window: the same in every application that deploys there, or the one named. */
    private DeploymentWindowPolicy window(Policy policy) {
      List<String> having = new ArrayList<>();
      Map<String, DeploymentWindowPolicy> windows = new LinkedHashMap<>();
      policy.applications().forEach((name, app) -> {
        EnvironmentPlan plan = app.environments().get(environment);
        if (plan != null) {
          having.add(name);
          windows.put(name, plan.window());
        }
      });
      if (having.isEmpty()) {
        throw new IllegalArgumentException("no application in the policy at " + policy.stamp().path()
            + " deploys to environment " + Names.shown(environment));
      }
      if (application != null) {
        if (!windows.containsKey(application)) {
          throw new IllegalArgumentException("application " + Names.shown(application) + " does not deploy to "
              + environment + " in this policy (these do: " + String.join(", ", having) + ")");
        }
        return windows.get(application);
      }
      if (windows.values().stream().distinct().count() > 1) {
        throw new IllegalArgumentException("the applications deploying to " + environment + " have different"
            + " windows: name one with --application (" + String.join(", ", having) + ")");
      }
      return windows.values().iterator().next();
    }

    private Instant instant(DeploymentWindowPolicy window) {
      if (at == null || at.isBlank()) {
        return Instant.now();
      }
      try {
        return Instant.parse(at);
      } catch (DateTimeParseException notInstant) {
        // next form
      }
      try {
        return OffsetDateTime.parse(at).toInstant();
      } catch (DateTimeParseException notOffset) {
        // next form
      }
      try {
        LocalDateTime local = LocalDateTime.parse(at);
        ZoneId zone = window == null ? java.time.ZoneOffset.UTC : DeploymentWindowPolicies.zone(window.timeZone());
        return DeploymentWindowPolicies.instantOf(local, zone);
      } catch (DateTimeParseException | IllegalArgumentException notLocal) {
        throw new IllegalArgumentException("--at " + Names.shown(at) + " is not a time: use 2026-12-24T16:00:00Z,"
            + " 2026-12-24T17:00+01:00 or 2026-12-24T17:00 (in the window's time zone)");
      }
    }

    Map<String, Object> json(DeploymentWindowPolicy window, Instant at, WindowDecision decision) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("environment", environment);
      body.put("at", at.toString());
      body.put("open", decision.open());
      body.put("reason", decision.reason());
      body.put("nextOpen", decision.open() ? at.toString()
          : decision.nextOpenEpochMillis() == null ? null : Instant.ofEpochMilli(decision.nextOpenEpochMillis())
              .toString());
      body.put("nextOpenDescription", decision.nextOpenDescription());
      body.put("timeZone", window == null ? null : window.timeZone());
      return body;
    }

    static String nextOpening(WindowDecision decision) {
      return decision.open() ? "now" : Objects.requireNonNullElse(decision.nextOpenDescription(),
          "no opening within 366 days");
    }
  }

  @Command(name = "next", mixinStandardHelpOptions = true,
      description = "Is the environment's window open now (or --at TIME), and when does it open next?")
  static class Next extends Base {
    @Override
    void print(PrintWriter out, DeploymentWindowPolicy window, Instant at, WindowDecision decision) {
      if (output.json()) {
        Output.json(out, json(window, at, decision));
        return;
      }
      out.println(environment + ": " + (decision.open() ? "open" : "closed") + " at " + at);
      out.println("  " + (decision.open() ? decision.reason() : "why: " + decision.reason()));
      out.println("  next opening: " + nextOpening(decision));
      out.flush();
    }
  }

  @Command(name = "explain", mixinStandardHelpOptions = true,
      description = "The environment's window policy (weekly windows, freezes, holidays) and its verdict at"
          + " now (or --at TIME): open or closed, why, and the next opening.")
  static class Explain extends Base {
    @Override
    void print(PrintWriter out, DeploymentWindowPolicy window, Instant at, WindowDecision decision) {
      if (output.json()) {
        Map<String, Object> body = json(window, at, decision);
        body.put("policy", window);
        Output.json(out, body);
        return;
      }
      out.println(environment + " deployment window" + (window == null ? ": none (always open)"
          : " (" + window.timeZone() + ")"));
      if (window != null) {
        out.println("  allowed:           " + weekly(window.allowed(), "any time"));
        out.println("  recurring freezes: " + weekly(window.recurringFreezes(), "none"));
        List<Freeze> freezes = window.freezes() == null ? List.of() : window.freezes();
        out.println("  freezes:           " + (freezes.isEmpty() ? "none" : String.join(", ", freezes.stream()
            .map(f -> f.from() + ".." + f.to() + (f.reason() == null ? "" : " (" + Names.oneLine(f.reason(), 80)
                + ")")).toList())));
        List<String> calendars = window.holidayCalendars() == null ? List.of() : window.holidayCalendars();
        out.println("  holiday calendars: " + (calendars.isEmpty() ? "none" : String.join(", ", calendars)));
      }
      out.println("at " + at + ": " + (decision.open() ? "OPEN" : "CLOSED"));
      out.println("  " + (decision.open() ? decision.reason() : "why: " + decision.reason()));
      out.println("  next opening: " + nextOpening(decision));
      out.flush();
    }

    private static String weekly(List<WeeklyWindow> windows, String none) {
      if (windows == null || windows.isEmpty()) {
        return none;
      }
      return String.join(", ", windows.stream().map(w -> String.join(",", w.days()) + " " + w.from() + "-" + w.to())
          .toList());
    }
  }
}
