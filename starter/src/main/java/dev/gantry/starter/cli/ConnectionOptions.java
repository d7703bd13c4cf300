package dev.gantry.starter.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.gantry.starter.client.ActorSigner;
import dev.gantry.starter.client.GantryClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where the Temporal service is and how to reach it. Each setting comes from, in order: the flag, the
 * environment variable, the selected profile of the config file, the default.
 *
 * <pre>
 * # ~/.config/gantry/config.yaml (or $GANTRY_CONFIG)
 * profiles:
 *   prod:
 *     address: temporal.example.com:7233
 *     namespace: releases
 *     tlsCert: /etc/gantry/client.pem
 *     tlsKey: /etc/gantry/client.key
 *     apiKeyEnv: TEMPORAL_API_KEY      # the NAME of the variable that holds the key
 *     signingKey: ~/.config/gantry/me.key   # EC P-256 PKCS#8 PEM: signs every message, like git commit -S
 * </pre>
 */
public class ConnectionOptions {
  static final String DEFAULT_ADDRESS = "127.0.0.1:7233";

  @Option(names = "--address", paramLabel = "HOST:PORT",
      description = "Temporal frontend (env GANTRY_ADDRESS, profile address; default " + DEFAULT_ADDRESS + ").")
  String address;

  @Option(names = "--namespace", description = "Temporal namespace (env GANTRY_NAMESPACE, profile; default default).")
  String namespace;

  @Option(names = "--profile", description = "Profile of the config file (env GANTRY_PROFILE).")
  String profile;

  @Option(names = "--tls-cert", paramLabel = "PEM", description = "Client certificate for mTLS (env GANTRY_TLS_CERT).")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "Client key, PKCS#8 (env GANTRY_TLS_KEY).")
  Path tlsKey;

  @Option(names = "--api-key-env", paramLabel = "VAR",
      description = "Name of the environment variable holding a Temporal API key (never the key itself).")
  String apiKeyEnv;

  @Option(names = "--signing-key", paramLabel = "PKCS8_PEM",
      description = "Your private key (EC P-256, PKCS#8 PEM) whose public key the platform policy holds for your"
          + " name: the request, approvals, rejections, overrides, pause and resume are signed with it"
          + " (env GANTRY_SIGNING_KEY, profile signingKey).")
  Path signingKey;

  @Option(names = {"-o", "--output"}, defaultValue = "text",
      description = "Output format: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
  OutputFormat output;

  record Profile(String address, String namespace, String tlsCert, String tlsKey, String apiKeyEnv,
      String signingKey) {}

  record ConfigFile(Map<String, Profile> profiles) {}

  GantryClient connect() {
    Map<String, String> env = System.getenv();
    GantryClient client = GantryClient.connect(resolve(env));
    Path key = signingKey(env);
    if (key != null) {
      try {
        client.signingWith(ActorSigner.fromPem(key));
      } catch (RuntimeException e) {
        client.close();
        throw e;
      }
    }
    return client;
  }

  /** The signing key: --signing-key, GANTRY_SIGNING_KEY, the profile's signingKey; null if none. */
  Path signingKey(Map<String, String> env) {
    String key = first(signingKey == null ? null : signingKey.toString(), env.get("GANTRY_SIGNING_KEY"),
        profile(env).signingKey(), null);
    if (key == null) {
      return null;
    }
    if (key.startsWith("~/")) {
      key = System.getProperty("user.home") + key.substring(1);
    }
    return Path.of(key);
  }

  GantryClient.Connection resolve(Map<String, String> env) {
    Profile selected = profile(env);
    String resolvedAddress = first(address, env.get("GANTRY_ADDRESS"), selected.address(), DEFAULT_ADDRESS);
    namespace = first(namespace, env.get("GANTRY_NAMESPACE"), selected.namespace(), "default");
    String cert = first(tlsCert == null ? null : tlsCert.toString(), env.get("GANTRY_TLS_CERT"), selected.tlsCert(), null);
    String key = first(tlsKey == null ? null : tlsKey.toString(), env.get("GANTRY_TLS_KEY"), selected.tlsKey(), null);
    String keyVariable = first(apiKeyEnv, null, selected.apiKeyEnv(), null);
    String apiKey = null;
    if (keyVariable != null) {
      apiKey = env.get(keyVariable);
      if (apiKey == null || apiKey.isBlank()) {
        throw new IllegalArgumentException("the API key variable " + keyVariable + " is not set");
      }
    }
    return new GantryClient.Connection(resolvedAddress, namespace, cert == null ? null : Path.of(cert),
        key == null ? null : Path.of(key), apiKey);
  }

  private Profile profile(Map<String, String> env) {
    String name = first(profile, env.get("GANTRY_PROFILE"), null, null);
    if (name == null) {
      return new Profile(null, null, null, null, null, null);
    }
    Path file = Path.of(first(env.get("GANTRY_CONFIG"), null, null,
        Path.of(System.getProperty("user.home"), ".config", "gantry", "config.yaml").toString()));
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("profile '" + name + "' asked for, but " + file + " does not exist");
    }
    try {
      ConfigFile config = new ObjectMapper(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(file.toFile(), ConfigFile.class);
      Profile found = config == null || config.profiles() == null ? null : config.profiles().get(name);
      if (found == null) {
        throw new IllegalArgumentException("no profile '" + name + "' in " + file + "; it has: "
            + (config == null || config.profiles() == null ? "none" : String.join(", ", config.profiles().keySet())));
      }
      return found;
    } catch (IOException e) {
      throw new IllegalArgumentException(file + " is not a valid config file: " + e.getMessage().split("\n")[0]);
    }
  }

  private static String first(String a, String b, String c, String fallback) {
    for (String value : new String[] {a, b, c}) {
      if (value != null && !value.isBlank()) {
        return value;
      }
    }
    return fallback;
  }

  enum OutputFormat { text, json }
}
