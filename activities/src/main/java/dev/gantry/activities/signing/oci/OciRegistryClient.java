package dev.gantry.activities.signing.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.activities.support.HttpClients;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The part of the OCI distribution API that signing needs: blobs and manifests by repository, anonymous.
 * Everything read back is checked against its digest, so a registry (or a proxy) cannot hand us other
 * bytes than the ones we asked for.
 */
public final class OciRegistryClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern REPOSITORY = Pattern.compile("[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  private static final String MANIFEST_TYPES = String.join(", ",
      "application/vnd.oci.image.manifest.v1+json",
      "application/vnd.oci.image.index.v1+json",
      "application/vnd.docker.distribution.manifest.v2+json",
      "application/vnd.docker.distribution.manifest.list.v2+json");
  private static final int MAX_QUOTED = 500;

  private final URI baseUrl;
  private final HttpClient http;
  private final Duration requestTimeout;

  public OciRegistryClient(URI baseUrl) {
    // registries may redirect blob downloads to their storage; what comes back is digest-checked
    this(baseUrl, HttpClients.create(Duration.ofSeconds(10), HttpClient.Redirect.NORMAL), Duration.ofSeconds(60));
  }

  OciRegistryClient(URI baseUrl, HttpClient http, Duration requestTimeout) {
    String url = baseUrl.toString();
    if (!url.startsWith("http://") && !url.startsWith("https://")) {
      throw new IllegalArgumentException("registry URL must be http(s)://host:port, got " + baseUrl);
    }
    this.baseUrl = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    this.http = http;
    this.requestTimeout = requestTimeout;
  }

  /**
   * The registry that holds {@code host[:port]/repository}: plain HTTP on loopback (a local registry, as
   * cosign does), HTTPS everywhere else.
   */
  public static OciRegistryClient forImage(String imageReference) {
    String host = ImageName.parse(imageReference).registry();
    String name = host.replaceFirst(":\\d+$", "");
    boolean loopback = name.equals("localhost") || name.startsWith("127.") || name.equals("[::1]");
    return new OciRegistryClient(URI.create((loopback ? "http://" : "https://") + host));
  }

  public URI baseUrl() {
    return baseUrl;
  }

  /** Uploads {@code content} unless the repository already has it; returns its digest. */
  public String putBlob(String repo, byte[] content) {
    String digest = OciDigests.sha256(content);
    if (blobExists(repo, digest)) {
      return digest;
    }
    String what = "upload blob " + digest + " to " + checkRepository(repo);
    HttpResponse<byte[]> started = send(HttpRequest.newBuilder(url("/v2/" + repo + "/blobs/uploads/"))
        .POST(HttpRequest.BodyPublishers.noBody()), what);
    expect(started, 202, "POST", what);
    String location = started.headers().firstValue("Location")
        .orElseThrow(() -> new OciRegistryException(started.statusCode(),
            "registry " + authority() + " started " + what + " without a Location header"));
    // Location may be absolute or relative, and may already carry a query (upload state)
    URI uploadUrl = baseUrl.resolve(location);
    String separator = uploadUrl.getRawQuery() == null ? "?" : "&";
    HttpResponse<byte[]> finished = send(HttpRequest.newBuilder(URI.create(uploadUrl + separator + "digest=" + digest))
        .header("Content-Type", "application/octet-stream")
        .PUT(HttpRequest.BodyPublishers.ofByteArray(content)), what);
    expect(finished, 201, "PUT", what);
    return digest;
  }

  /** The blob's bytes, checked against {@code digest}. */
  public byte[] getBlob(String repo, String digest) {
    OciDigests.requireSha256(digest);
    String what = "blob " + checkRepository(repo) + "@" + digest;
    HttpResponse<byte[]> response = send(HttpRequest.newBuilder(url("/v2/" + repo + "/blobs/" + digest)).GET(), what);
    expect(response, 200, "GET", what);
    String actual = OciDigests.sha256(response.body());
    if (!actual.equals(digest)) {
      throw new OciRegistryException(response.statusCode(), "registry " + authority() + " served " + what
          + " with content that does not have that digest");
    }
    return response.body();
  }

  /** Stores a manifest under a tag or its digest; returns its digest. */
  public String putManifest(String repo, String reference, String mediaType, byte[] manifest) {
    String digest = OciDigests.sha256(manifest);
    if (OciDigests.isDigest(reference) && !reference.equals(digest)) {
      throw new IllegalArgumentException("manifest has digest " + digest + ", not the reference " + reference);
    }
    String what = "manifest for " + checkRepository(repo) + ":" + checkReference(reference);
    HttpResponse<byte[]> response = send(HttpRequest.newBuilder(url("/v2/" + repo + "/manifests/" + reference))
        .header("Content-Type", mediaType)
        .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)), what);
    expect(response, 201, "PUT", what);
    checkAnnouncedDigest(response, digest, what);
    return digest;
  }

  /** The manifest at a tag or digest, or empty when the registry does not know it (or the repository). */
  public Optional<Manifest> getManifest(String repo, String reference) {
    String what = "manifest for " + checkRepository(repo) + ":" + checkReference(reference);
    HttpResponse<byte[]> response = send(HttpRequest.newBuilder(url("/v2/" + repo + "/manifests/" + reference))
        .header("Accept", MANIFEST_TYPES).GET(), what);
    if (response.statusCode() == 404) {
      return Optional.empty();
    }
    expect(response, 200, "GET", what);
    String digest = OciDigests.sha256(response.body());
    if (OciDigests.isDigest(reference) && !reference.equals(digest)) {
      throw new OciRegistryException(200, "registry " + authority() + " served " + what
          + " with content that does not have that digest");
    }
    checkAnnouncedDigest(response, digest, what);
    String mediaType = response.headers().firstValue("Content-Type").map(t -> t.split(";")[0].trim()).orElse("");
    return Optional.of(new Manifest(mediaType, response.body(), digest));
  }

  private boolean blobExists(String repo, String digest) {
    String what = "blob " + checkRepository(repo) + "@" + digest;
    HttpResponse<byte[]> response = send(HttpRequest.newBuilder(url("/v2/" + repo + "/blobs/" + digest))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()), what);
    return response.statusCode() == 200;
  }

  // A registry that says a different digest than the bytes have is broken or lying: stop before signing it.
  private void checkAnnouncedDigest(HttpResponse<byte[]> response, String digest, String what) {
    response.headers().firstValue("Docker-Content-Digest")
        .filter(announced -> announced.startsWith("sha256:") && !announced.equals(digest))
        .ifPresent(announced -> {
          throw new OciRegistryException(response.statusCode(), "registry " + authority() + " announced digest "
              + announced + " for " + what + ", but its bytes have digest " + digest);
        });
  }

  private HttpResponse<byte[]> send(HttpRequest.Builder request, String what) {
    HttpRequest built = request.timeout(requestTimeout).build();
    try {
      return http.send(built, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new OciRegistryException("registry " + baseUrl + " is unreachable (" + built.method() + " " + what + "): "
          + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OciRegistryException("interrupted while talking to registry " + baseUrl + " (" + what + ")", e);
    }
  }

  private void expect(HttpResponse<byte[]> response, int status, String method, String what) {
    if (response.statusCode() != status) {
      throw new OciRegistryException(response.statusCode(), "registry " + authority() + " refused " + method + " "
          + what + ": " + response.statusCode() + " " + errors(response.body()));
    }
  }

  /** The registry's error codes and messages ({@code {"errors":[{"code","message","detail"}]}}), or its body. */
  private static String errors(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8).strip();
    try {
      JsonNode errors = JSON.readTree(text).path("errors");
      if (errors.isArray() && !errors.isEmpty()) {
        StringBuilder out = new StringBuilder();
        for (JsonNode error : errors) {
          out.append(out.isEmpty() ? "" : "; ").append(error.path("code").asText()).append(' ')
              .append(error.path("message").asText());
          if (!error.path("detail").isMissingNode() && !error.path("detail").isNull()) {
            out.append(" (").append(error.path("detail")).append(')');
          }
        }
        return out.toString();
      }
    } catch (IOException notJson) {
      // quoted as it came
    }
    return text.length() > MAX_QUOTED ? text.substring(0, MAX_QUOTED) + "..." : text;
  }

  private URI url(String path) {
    return URI.create(baseUrl + path);
  }

  private String authority() {
    return baseUrl.getRawAuthority();
  }

  private static String checkRepository(String repo) {
    if (repo == null || !REPOSITORY.matcher(repo).matches()) {
      throw new IllegalArgumentException("not an OCI repository name: " + repo);
    }
    return repo;
  }

  private static String checkReference(String reference) {
    if (OciDigests.isDigest(reference)) {
      return OciDigests.requireSha256(reference);
    }
    if (reference == null || !TAG.matcher(reference).matches()) {
      throw new IllegalArgumentException("not an OCI tag or sha256 digest: " + reference);
    }
    return reference;
  }

  @Override
  public String toString() {
    return "OciRegistryClient[" + baseUrl + "]";
  }
}
