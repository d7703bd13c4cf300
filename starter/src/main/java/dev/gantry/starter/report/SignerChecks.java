package dev.gantry.starter.report;

import static dev.gantry.starter.report.ReportText.clean;
import static dev.gantry.starter.report.ReportText.shown;
import static dev.gantry.starter.report.ReportText.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.starter.report.OfflineReport.Attestation;
import dev.gantry.starter.report.OfflineReport.Signer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Who signed and attested: the history's Signing.sign results against the signature log's lines of the run. */
final class SignerChecks {
  private SignerChecks() {}

  /** The signer (null where the release signed nothing) and the attestations. */
  record Signed(Signer signer, List<Attestation> attestations) {}

  static Signed check(ReleaseHistory h, SignatureLines sigs, Findings findings) {
    Signer signer = null;
    List<Attestation> attestations = new ArrayList<>();
    for (ReleaseHistory.Activity sign : h.signs) {
      if (sign.failure() != null) {
        continue;
      }
      for (JsonNode ref : sign.result()) {
        String kind = text(ref, "kind");
        String keyId = text(ref, "keyId");
        String predicate = text(ref, "predicateType");
        String action = "attestation".equals(kind) ? "attest" : "sign";
        JsonNode logged = sigs.ofRun(h.runId).stream()
            .filter(line -> action.equals(text(line, "action")) && "done".equals(text(line, "outcome"))
                && Objects.equals(keyId, text(line, "keyId")) && Objects.equals(predicate, text(line, "predicateType")))
            .findFirst().orElse(null);
        if (logged == null) {
          findings.add("signature log: no '" + action + "' line by key " + shown(keyId)
              + (predicate == null ? "" : " for " + shown(predicate)) + ", which the history's Signing.sign made");
        }
        if ("attestation".equals(kind)) {
          attestations.add(new Attestation(clean(predicate), clean(keyId), clean(text(ref, "location"))));
        } else if (signer == null) {
          signer = new Signer(clean(keyId), logged == null ? null : clean(text(logged, "actor")),
              logged == null ? null : clean(text(logged, "at")), trustedKeyName(h.result, keyId));
        }
      }
    }
    for (JsonNode line : sigs.ofRun(h.runId)) {
      String action = text(line, "action");
      if (("sign".equals(action) || "attest".equals(action)) && "done".equals(text(line, "outcome"))
          && h.signs.stream().noneMatch(sign -> sign.failure() == null)) {
        findings.add("signature log: a '" + action + "' line for this run, but the history made no signature");
        break;
      }
    }
    return new Signed(signer, attestations);
  }

  /** The trusted key's name, as the signature gate's detail gives it: "... by trusted key 'NAME' (KEYID)". */
  private static String trustedKeyName(JsonNode result, String keyId) {
    for (JsonNode gate : result.path("gates")) {
      String detail = text(gate, "detail");
      if ("signature".equals(text(gate, "gate")) && detail != null && keyId != null) {
        int at = detail.indexOf("by trusted key '");
        int end = detail.indexOf("' (" + keyId + ")");
        if (at >= 0 && end > at) {
          return clean(detail.substring(at + "by trusted key '".length(), end));
        }
      }
    }
    return null;
  }
}
