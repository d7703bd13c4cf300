package dev.gantry.starter.cli;

import dev.gantry.activities.audit.AuditCheckpoints;
import dev.gantry.activities.audit.RecordedHeads;
import dev.gantry.activities.audit.TrailVerifier;
import dev.gantry.activities.signing.KeyFileException;
import dev.gantry.activities.signing.KeyFiles;
import dev.gantry.starter.client.GantryClient;
import dev.gantry.starter.client.GantryException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gantry audit verify}: checks audit trails (the release trail, the signature log, archived trails)
 * against their hash chain, the worker's signed checkpoints and, given exported histories, the heads Temporal
 * recorded. Streams every file; prints at most {@code --max-problems} problems.
 */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Check the audit logs.",
    subcommands = {AuditCommand.Verify.class})
class AuditCommand {

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = {"Check that no line of an audit trail was edited, dropped, inserted or reordered, that its"
          + " tail was not cut, and that no trail was emptied or removed: the hash chain, the worker's signed"
          + " checkpoints (checkpoints.jws beside the trail) and, with --history, the heads Temporal recorded.",
          "Exit 0 intact, 1 tampered (or not anchored), 2 usage."})
  static class Verify implements Callable<Integer>, ReleaseCommand.Connected {
    @Parameters(arity = "1..*", paramLabel = "TRAIL",
        description = "Trail files (.gantry/audit/audit.jsonl, .gantry/audit/signatures.jsonl, an archive's"
            + " audit.jsonl) or folders: a folder means every trail its checkpoints name and every .jsonl in it.")
    List<Path> trails;

    @Option(names = "--key", paramLabel = "PUBLIC_KEY",
        description = "The worker's audit public key (gantry.audit.key's .pub); repeat for keys before a"
            + " rotation. Required unless --chain-only.")
    List<Path> keys = new ArrayList<>();

    @Option(names = "--history", paramLabel = "FILE",
        description = "A release's exported history (temporal workflow show --workflow-id ID --output json);"
            + " repeatable. Its Audit.append results must be lines of the trail.")
    List<Path> histories = new ArrayList<>();

    @Option(names = "--release", paramLabel = "ID",
        description = "A release whose history to read from Temporal now (--address, --namespace, a profile) and"
            + " compare like --history; repeatable. release/<app>/<version> or <app>/<version>.")
    List<String> releases = new ArrayList<>();

    @Option(names = "--checkpoints", paramLabel = "FILE",
        description = "The checkpoint file (default: checkpoints.jws beside each trail).")
    Path checkpoints;

    @Option(names = "--max-problems", defaultValue = "20",
        description = "Problems printed per trail; more are counted (default: ${DEFAULT-VALUE}).")
    int maxProblems;

    @Option(names = "--chain-only",
        description = "Only the hash chain, for an operator's signature log no worker anchors (gantry keys,"
            + " gantry artifact): a cut tail or a re-chained edit passes this.")
    boolean chainOnly;

    @Mixin ConnectionOptions connection;
    @Spec CommandSpec spec;

    @Override
    public ConnectionOptions connection() {
      return connection;
    }

    private boolean json() {
      return connection.output == ConnectionOptions.OutputFormat.json;
    }

    @Override
    public Integer call() {
      if (maxProblems < 1 || maxProblems > 10_000) {
        throw new IllegalArgumentException("--max-problems must be between 1 and 10000, got " + maxProblems);
      }
      if (keys.isEmpty() && !chainOnly) {
        throw new IllegalArgumentException("give --key <the worker's audit public key> (the .pub of its"
            + " gantry.audit.key; the demo's is examples/keys/audit-worker.key.pub) to check the signed"
            + " checkpoints, or --chain-only for a log no worker anchors");
      }
      List<PublicKey> publicKeys = new ArrayList<>();
      for (Path key : keys) {
        try {
          publicKeys.add(KeyFiles.readPublicKey(key));
        } catch (KeyFileException e) {
          throw new IllegalArgumentException("--key " + e.getMessage());
        }
      }
      List<TrailVerifier.RecordedHead> recorded = new ArrayList<>();
      int withoutHead = 0;
      for (Path history : histories) {
        try {
          RecordedHeads.Read read = RecordedHeads.read(history);
          recorded.addAll(read.heads());
          withoutHead += read.appendsWithoutHead();
        } catch (IOException e) {
          throw new IllegalArgumentException("--history " + e.getMessage());
        }
      }
      if (!releases.isEmpty()) {
        withoutHead += fetchHistories(recorded);
      }
      TrailVerifier.Options options = (chainOnly ? TrailVerifier.Options.chainOnly()
          : TrailVerifier.Options.anchored(publicKeys)).withMaxProblems(maxProblems).withRecorded(recorded)
          .withCheckpoints(checkpoints);

      PrintWriter out = spec.commandLine().getOut();
      List<Map<String, Object>> reports = new ArrayList<>();
      boolean intact = true;
      for (Path file : expand(publicKeys)) {
        TrailVerifier.Report report;
        try {
          report = TrailVerifier.verify(file, options);
        } catch (IOException e) {
          throw new GantryException("cannot read " + file + ": " + e.getMessage());
        }
        intact &= report.intact();
        reports.add(json(report));
        if (!json()) {
          print(out, report);
        }
      }
      if (!json() && (!histories.isEmpty() || !releases.isEmpty())) {
        out.println("histories: " + recorded.size() + " recorded head(s) compared"
            + (withoutHead == 0 ? "" : ", " + withoutHead + " append(s) recorded before heads were kept"));
      }
      if (json()) {
        Output.json(out, reports.size() == 1 ? reports.get(0) : reports);
      }
      out.flush();
      return intact ? GantryCli.OK : GantryCli.FAILED;
    }

    /** The heads each --release's history holds, read from Temporal now; returns appends without a head. */
    private int fetchHistories(List<TrailVerifier.RecordedHead> recorded) {
      int withoutHead = 0;
      try (GantryClient gantry = connection.connect()) {
        for (String release : releases) {
          String id = GantryClient.normalize(release);
          String json;
          try {
            json = gantry.workflowClient().fetchHistory(id).toJson(false);
          } catch (RuntimeException e) {
            throw new GantryException("cannot read the history of " + id + " from Temporal: " + e.getMessage());
          }
          try {
            RecordedHeads.Read read = RecordedHeads.readJson(json, "the history of " + id);
            recorded.addAll(read.heads());
            withoutHead += read.appendsWithoutHead();
          } catch (IOException e) {
            throw new GantryException("cannot read the history of " + id + ": " + e.getMessage());
          }
        }
      }
      return withoutHead;
    }

    /** Files as given; a folder: the trails its last checkpoint names (removed ones too) and its .jsonl files. */
    private List<Path> expand(List<PublicKey> publicKeys) {
      Set<Path> files = new LinkedHashSet<>();
      for (Path given : trails) {
        if (Files.isDirectory(given)) {
          Path checkpointFile = checkpoints != null ? checkpoints : given.resolve(AuditCheckpoints.FILE_NAME);
          if (!chainOnly && Files.isRegularFile(checkpointFile)) {
            try {
              TrailVerifier.trailsNamedBy(checkpointFile, publicKeys)
                  .forEach(name -> files.add(checkpointFile.toAbsolutePath().getParent().resolve(name).normalize()));
            } catch (IOException e) {
              throw new GantryException("cannot read " + checkpointFile + ": " + e.getMessage());
            }
          }
          try (DirectoryStream<Path> jsonl = Files.newDirectoryStream(given, "*.jsonl")) {
            jsonl.forEach(file -> files.add(file.toAbsolutePath().normalize()));
          } catch (IOException e) {
            throw new GantryException("cannot list " + given + ": " + e.getMessage());
          }
          if (files.isEmpty()) {
            throw new IllegalArgumentException(given + " holds no audit trail (no .jsonl, no checkpoints)");
          }
        } else if (Files.isRegularFile(given)
            || (!chainOnly && Files.isRegularFile(given.toAbsolutePath().getParent().resolve(AuditCheckpoints.FILE_NAME)))) {
          // a trail that is gone while its checkpoints remain is verified, and found removed
          files.add(given);
        } else {
          throw new IllegalArgumentException("audit log " + given + " does not exist: pass the file the worker"
              + " writes (gantry.audit.path, default .gantry/audit/audit.jsonl) or its folder");
        }
      }
      return new ArrayList<>(files);
    }

    private void print(PrintWriter out, TrailVerifier.Report report) {
      String what = report.archived() ? "archived trail" : "trail";
      if (report.intact()) {
        StringBuilder line = new StringBuilder(report.file() + ": intact (" + report.lines() + " lines");
        if (chainOnly) {
          line.append(", chain verified; NOT anchored: a cut tail or a re-chained edit would pass)");
        } else {
          line.append(", ").append(what).append(" anchored");
          if (report.archived() && report.archivedFrom() != null) {
            line.append(" (archived from ").append(report.archivedFrom().file()).append(" at line ")
                .append(report.archivedFrom().sequence()).append(")");
          }
          line.append(" to line ").append(report.lastAnchored()).append(" by ").append(report.checkpoints())
              .append(" checkpoint(s)");
          if (report.recordedHeads() > 0) {
            line.append(" and ").append(report.recordedHeads()).append(" head(s) from Temporal");
          }
          if (report.lastAnchored() < report.lines()) {
            line.append("; lines ").append(report.lastAnchored() + 1).append(" to ").append(report.lines())
                .append(" are after the last checkpoint: compare them with --history");
          }
          line.append(")");
        }
        out.println(line);
        return;
      }
      out.println(report.file() + ": TAMPERED: " + report.problemCount() + " problem(s)"
          + (report.archived() ? " (archived trail)" : ""));
      report.problems().forEach(problem -> out.println("  " + problem));
      if (report.problemCount() > report.problems().size()) {
        out.println("  ... and " + (report.problemCount() - report.problems().size()) + " more problem(s)"
            + " (--max-problems " + maxProblems + ")");
      }
    }

    private static Map<String, Object> json(TrailVerifier.Report report) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("file", report.file().toString());
      json.put("lines", report.lines());
      json.put("intact", report.intact());
      json.put("archived", report.archived());
      if (report.archivedFrom() != null) {
        json.put("archivedFrom", report.archivedFrom());
      }
      json.put("checkpoints", report.checkpoints());
      json.put("lastAnchoredLine", report.lastAnchored());
      json.put("recordedHeads", report.recordedHeads());
      json.put("problemCount", report.problemCount());
      json.put("problems", report.problems().stream().map(p -> {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("line", p.line());
        problem.put("release", p.release());
        problem.put("eventId", p.eventId());
        problem.put("message", p.message());
        return problem;
      }).toList());
      return json;
    }
  }
}
