package dev.gantry.activities.signing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.intoto.EnvelopeOuterClass.Envelope;
import java.io.IOException;

/** Signs in-toto statements as {@code cosign attest-blob --key} does: DSSE envelope in a bundle v0.3. */
public final class Attestations {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Attestations() {}

  /** @param statementJson an in-toto statement's UTF-8 JSON, e.g. from {@link InTotoStatements} */
  public static SignedAttestation sign(byte[] statementJson, Signer signer) {
    String predicateType = predicateTypeOf(statementJson);
    Envelope envelope = Dsse.sign(Dsse.IN_TOTO_PAYLOAD_TYPE, statementJson, signer);
    String bundleJson = BundleJson.print(BundleJson.withKeyHint(signer.keyId()).setDsseEnvelope(envelope).build());
    return new SignedAttestation(predicateType, signer.keyId(), Dsse.toJson(envelope), bundleJson);
  }

  // Refuse to sign something that is not a statement: a verifier would refuse it later, far from the cause.
  private static String predicateTypeOf(byte[] statementJson) {
    JsonNode statement;
    try {
      statement = JSON.readTree(statementJson);
    } catch (IOException e) {
      throw new IllegalArgumentException("the statement to sign is not JSON: " + e.getMessage(), e);
    }
    String predicateType = statement == null ? "" : statement.path("predicateType").asText("");
    if (predicateType.isEmpty() || !statement.path("subject").isArray()) {
      throw new IllegalArgumentException("the statement to sign is not an in-toto statement: it needs "
          + "\"subject\" and \"predicateType\"");
    }
    return predicateType;
  }
}
