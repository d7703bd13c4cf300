package dev.gantry.starter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.starter.client.GantryClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ConnectionOptionsTest {
  @TempDir Path dir;

  private ConnectionOptions parse(String... args) {
    ConnectionOptions options = new ConnectionOptions();
    new CommandLine(options).parseArgs(args);
    return options;
  }

  @Test
  void flagsWinOverTheEnvironmentWhichWinsOverTheProfile() throws Exception {
    Path config = Files.writeString(dir.resolve("config.yaml"), """
        profiles:
          prod:
            address: temporal.prod:7233
            namespace: releases
            tlsCert: /etc/gantry/client.pem
            tlsKey: /etc/gantry/client.key
            apiKeyEnv: PROD_KEY
        """);
    Map<String, String> env = Map.of("GANTRY_CONFIG", config.toString(), "PROD_KEY", "s3cret",
        "GANTRY_NAMESPACE", "from-env");

    GantryClient.Connection fromProfile = parse("--profile", "prod").resolve(env);
    assertThat(fromProfile.address()).isEqualTo("temporal.prod:7233");
    assertThat(fromProfile.namespace()).isEqualTo("from-env");
    assertThat(fromProfile.tlsCert()).isEqualTo(Path.of("/etc/gantry/client.pem"));
    assertThat(fromProfile.apiKey()).isEqualTo("s3cret");

    GantryClient.Connection flags = parse("--profile", "prod", "--address", "other:7233", "--namespace", "x")
        .resolve(env);
    assertThat(flags.address()).isEqualTo("other:7233");
    assertThat(flags.namespace()).isEqualTo("x");

    GantryClient.Connection defaults = parse().resolve(Map.of());
    assertThat(defaults.address()).isEqualTo("127.0.0.1:7233");
    assertThat(defaults.namespace()).isEqualTo("default");
    assertThat(defaults.tlsCert()).isNull();
    assertThat(defaults.apiKey()).isNull();
  }

  @Test
  void mistakesNameTheFileTheProfileOrTheVariable() throws Exception {
    Path config = Files.writeString(dir.resolve("config.yaml"), "profiles:\n  prod: {addres: x}\n");
    assertThatThrownBy(() -> parse("--profile", "prod").resolve(Map.of("GANTRY_CONFIG", config.toString())))
        .hasMessageContaining("is not a valid config file").hasMessageContaining("addres");
    Files.writeString(config, "profiles:\n  prod: {address: x:1}\n");
    assertThatThrownBy(() -> parse("--profile", "staging").resolve(Map.of("GANTRY_CONFIG", config.toString())))
        .hasMessageContaining("no profile 'staging'").hasMessageContaining("it has: prod");
    assertThatThrownBy(() -> parse("--api-key-env", "NOPE").resolve(Map.of()))
        .hasMessage("the API key variable NOPE is not set");
  }
}
