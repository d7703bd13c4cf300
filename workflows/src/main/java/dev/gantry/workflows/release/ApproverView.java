package dev.gantry.workflows.release;

import dev.gantry.workflows.api.approval.ApprovalPolicy;
import dev.gantry.workflows.api.release.EnvironmentStatus;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.release.ReleaseStatus;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What the Temporal UI shows of a release under <em>Current Details</em> (the workflow page's User
 * Metadata tab): what waits, for whom, until when, who approved so far, and, in fenced code blocks, the
 * exact update input and commands that approve it.
 *
 * <p>The UI (2.x) renders this text as Markdown: outside code, {@code <...>} is taken as HTML and straight
 * quotes become typographic. So every value a person might copy (the JSON, the commands, the digest) is in
 * a fenced block, whose text the UI shows verbatim; prose carries no angle brackets, quotes or emphasis
 * characters from data, and names go in code spans. Placeholders are {@code YOUR_NAME}-style words, never
 * {@code <name>} (a shell would take that as a redirection). Pure: safe in workflow code.
 */
public final class ApproverView {
  /** The word an approver replaces with their name; refused as an unknown approver if sent as it is. */
  public static final String YOUR_NAME = "YOUR_NAME";
  /** Where a signed approval's token goes; refused as a token if sent as it is. */
  public static final String YOUR_TOKEN = "PASTE_YOUR_TOKEN";
  private static final DateTimeFormatter SHOWN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  private ApproverView() {}

  /** An approval gate that is open now. */
  public record OpenGate(String environment, ApprovalPolicy policy, long deadlineMillis, Set<String> counted) {}

  /** The Markdown shown as the release's current details. */
  public static String details(ReleaseRequest request, ReleaseStatus status, OpenGate gate) {
    StringBuilder md = new StringBuilder();
    if (gate != null) {
      approvalBlock(md, request, gate);
    } else {
      md.append("### ").append(plain(request.application())).append(' ').append(plain(request.version()))
          .append(": ").append(status.state()).append("\n\n");
    }
    md.append("Stage: `").append(code(status.stage())).append("`\n\n");
    for (EnvironmentStatus env : status.environments()) {
      md.append("- `").append(code(env.environment())).append("`: ").append(env.state());
      if (env.waitingFor() != null && gate == null) {
        md.append(", waiting for ").append(plain(env.waitingFor()));
      }
      md.append('\n');
    }
    for (EnvironmentStatus env : status.environments()) {
      for (dev.gantry.workflows.api.deploy.RegionStatus region : env.regions()) {
        if (region.rollout() != null && region.rollout().waitingFor() != null) {
          md.append("\n#### `").append(env.environment()).append('/').append(region.region())
              .append("` waits for a person\n\n").append(plain(region.rollout().waitingFor()))
              .append(region.rollout().nextStepAt() == null ? "" : " (until " + plain(region.rollout().nextStepAt())
                  + ")")
              .append(". Resume (or promote, abort) from a terminal:\n\n```sh\ngantry canary resume ")
              .append(request.releaseId()).append(" \\\n  -e ").append(env.environment()).append(" -r ")
              .append(region.region()).append(" --as ").append(YOUR_NAME).append(" --reason WHY\n```\n");
        }
      }
    }
    md.append("\nArtifact:\n\n```text\n").append(digest(request)).append("\n```\n\n")
        .append("Status from a terminal:\n\n```sh\ngantry release status ").append(code(request.releaseId()))
        .append("\n```\n\n")
        .append("Gantry keeps these details up to date as the release moves.\n");
    return md.toString();
  }

  private static void approvalBlock(StringBuilder md, ReleaseRequest request, OpenGate gate) {
    ApprovalPolicy policy = gate.policy();
    int needed = policy.minApprovalsOrDefault();
    List<String> counted = new ArrayList<>(gate.counted());
    int missing = Math.max(0, needed - counted.size());
    String env = gate.environment();
    md.append("### ").append(plain(request.application())).append(' ').append(plain(request.version()))
        .append(" waits for approval in ").append(env).append("\n\n")
        .append("- Needs **").append(needed).append("** approval(s) from ").append(who(policy))
        .append(", not from `").append(request.requestedBy()).append("`, who requested it.\n")
        .append("- Approved so far: **").append(counted.size()).append(" of ").append(needed).append("**");
    if (!counted.isEmpty()) {
      md.append(" (");
      for (int i = 0; i < counted.size(); i++) {
        md.append(i == 0 ? "" : ", ").append('`').append(counted.get(i)).append('`');
      }
      md.append(')');
    }
    md.append(". Still needed: **").append(missing).append("** more, each from a different person.\n")
        .append("- Open until **").append(SHOWN.format(Instant.ofEpochMilli(gate.deadlineMillis())))
        .append("**; then the release fails.\n");
    if (policy.signed()) {
      md.append("- Signed approvals: each approval carries a token signed with the key the approvers directory holds for that person.\n");
    }
    md.append("\n#### Approve here\n\n")
        .append("**More Actions**, then **Send an Update**, name `submitApproval`, with this input (put your")
        .append(" name in place of `").append(YOUR_NAME).append('`');
    if (policy.signed()) {
      md.append(" and your token in place of `").append(YOUR_TOKEN).append('`');
    }
    md.append("). The update answers with the verdict: accepted, or refused and why.\n\n")
        .append("```json\n").append(payload(request, env, policy)).append("\n```\n\n");
    if (policy.signed()) {
      md.append("Mint the token on your machine (your key never leaves it):\n\n```sh\n")
          .append(mintCommand(request, env)).append("\n```\n\n");
    }
    md.append("Or from a terminal:\n\n```sh\n").append(approveCommand(request, env, policy)).append("\n```\n\n")
        .append("The signal `approve` takes the same input, but the UI then only says Workflow signaled,")
        .append(" even when the release refuses it: prefer the update.\n\n");
  }

  /**
   * The input of the {@code submitApproval} update (and of the {@code approve} signal), one field a line: the
   * UI shows a code block in a frame half the page wide that cuts long lines (it does not wrap them).
   */
  public static String payload(ReleaseRequest request, String environment, ApprovalPolicy policy) {
    return "{\n  \"approver\": \"" + YOUR_NAME + "\",\n  \"environment\": \"" + environment
        + "\",\n  \"comment\": \"LGTM\",\n"
        + (policy.signed() ? "  \"token\": \"" + YOUR_TOKEN + "\",\n" : "")
        + "  \"digest\": \"" + digest(request) + "\"\n}";
  }

  /** The CLI command that approves the gate, the digest pinned; short lines joined by shell continuations. */
  public static String approveCommand(ReleaseRequest request, String environment, ApprovalPolicy policy) {
    return "gantry release approve " + request.releaseId() + " \\\n  --as " + YOUR_NAME + " --environment "
        + environment + " --comment LGTM" + (policy.signed() ? " --key YOUR_KEY.pem" : "")
        + " \\\n  --digest " + digest(request);
  }

  static String mintCommand(ReleaseRequest request, String environment) {
    return "gantry approval-token --key YOUR_KEY.pem --as " + YOUR_NAME + " \\\n  --release "
        + request.releaseId() + " --environment " + environment + " \\\n  --digest " + digest(request);
  }

  private static String who(ApprovalPolicy policy) {
    List<String> parts = new ArrayList<>();
    for (String name : policy.approversOrEmpty()) {
      parts.add("`" + name + "`");
    }
    for (String group : policy.groupsOrEmpty()) {
      parts.add("members of `" + group + "`");
    }
    return parts.isEmpty() ? "nobody (the policy names no approver)" : String.join(", ", parts);
  }

  /** The artifact digest, as a code block may show it (before the plan is resolved it may be anything). */
  private static String digest(ReleaseRequest request) {
    return code(request.artifact() == null ? null : request.artifact().digest());
  }

  /** Text inside code: one line, no backtick (it would end the code), bounded; null as a dash. */
  static String code(String text) {
    if (text == null) {
      return "-";
    }
    StringBuilder out = new StringBuilder(Math.min(text.length(), 200));
    for (int i = 0; i < text.length() && out.length() < 200; i++) {
      char c = text.charAt(i);
      out.append(c == '`' ? '\'' : Character.isISOControl(c) ? ' ' : c);
    }
    return out.toString();
  }

  /** Text outside code: characters Markdown or HTML would take as markup are dropped. */
  static String plain(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(Math.min(text.length(), 400));
    for (int i = 0; i < text.length() && out.length() < 400; i++) {
      char c = text.charAt(i);
      if ("<>`*_[]\\|#~\"'&".indexOf(c) >= 0) {
        continue;
      }
      out.append(Character.isISOControl(c) ? ' ' : c);
    }
    return out.toString();
  }
}
