package dev.gantry.starter.cli;

import dev.gantry.activities.audit.HashChainedLog;
import dev.gantry.starter.client.GantryException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code gantry audit verify}: checks the hash chain of audit logs (the release trail, the signature log). */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Check the audit logs.",
    subcommands = {AuditCommand.Verify.class})
class AuditCommand {

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = "Check that no line of an audit log was edited, dropped, inserted or reordered."
          + " Exit 0 intact, 1 tampered, 2 unreadable.")
  static class Verify implements Callable<Integer>, OutputOption.Holder {
    @Parameters(arity = "1..*", paramLabel = "LOG",
        description = "Audit log files (.gantry/audit/audit.jsonl, .gantry/audit/signatures.jsonl).")
    List<Path> logs;

    @Mixin OutputOption output;
    @Spec CommandSpec spec;

    @Override
    public OutputOption outputOption() {
      return output;
    }

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      List<Map<String, Object>> reports = new ArrayList<>();
      boolean intact = true;
      for (Path log : logs) {
        if (!Files.isRegularFile(log)) {
          throw new IllegalArgumentException("audit log " + log + " does not exist: pass the file the worker"
              + " writes (gantry.audit.path, default .gantry/audit/audit.jsonl)");
        }
        List<String> problems;
        long lines;
        try {
          problems = HashChainedLog.verify(log);
          lines = Files.readAllLines(log).stream().filter(line -> !line.isBlank()).count();
        } catch (IOException e) {
          throw new GantryException("cannot read " + log + ": " + e.getMessage());
        }
        intact &= problems.isEmpty();
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("file", log.toString());
        report.put("lines", lines);
        report.put("intact", problems.isEmpty());
        report.put("problems", problems);
        reports.add(report);
        if (!output.json()) {
          out.println(log + ": " + (problems.isEmpty() ? "intact (" + lines + " lines, chain verified)"
              : "TAMPERED: " + problems.size() + " problem(s)"));
          problems.forEach(problem -> out.println("  " + problem));
        }
      }
      if (output.json()) {
        Output.json(out, reports.size() == 1 ? reports.get(0) : reports);
      }
      out.flush();
      return intact ? GantryCli.OK : GantryCli.FAILED;
    }
  }
}
