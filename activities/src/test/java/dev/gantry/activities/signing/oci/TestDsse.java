package dev.gantry.activities.signing.oci;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.activities.signing.Signer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A minimal DSSE envelope over an in-toto Statement v1, signed with PAE (lengths in bytes). */
final class TestDsse {
  static final String IN_TOTO = "application/vnd.in-toto+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private TestDsse() {}

  static String statement(String subjectName, String manifestDigest, String predicateType, String predicateJson) {
    return "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"" + subjectName
        + "\",\"digest\":{\"sha256\":\"" + manifestDigest.substring("sha256:".length()) + "\"}}],"
        + "\"predicateType\":\"" + predicateType + "\",\"predicate\":" + predicateJson + "}";
  }

  static String envelope(Signer signer, String statement) {
    byte[] body = statement.getBytes(StandardCharsets.UTF_8);
    ObjectNode envelope = JSON.createObjectNode();
    envelope.put("payloadType", IN_TOTO);
    envelope.put("payload", Base64.getEncoder().encodeToString(body));
    envelope.putArray("signatures").addObject()
        .put("keyid", "")
        .put("sig", Base64.getEncoder().encodeToString(signer.sign(pae(IN_TOTO, body))));
    return envelope.toString();
  }

  static byte[] pae(String type, byte[] body) {
    byte[] typeBytes = type.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(("DSSEv1 " + typeBytes.length + " ").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(typeBytes);
    out.writeBytes((" " + body.length + " ").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(body);
    return out.toByteArray();
  }
}
