package dev.gantry.starter.client;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.SimpleSslContextBuilder;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Reaching Temporal from an address: the address checked before gRPC sees it, TLS or an API key, and one
 * call to learn at once whether a server answers there.
 */
final class TemporalConnections {
  private TemporalConnections() {}

  /**
   * Service stubs on a network thread of their own, closed together. gRPC's default network threads are shared
   * and outlive a closed channel by a second, waiting in the selector, that is in native code; a JVM that exits
   * then waits about 300 ms for them (HotSpot's exit waits for threads in native code to block), which was a third
   * of every CLI command's time. Closed, this connection leaves no thread behind.
   */
  record Opened(WorkflowServiceStubs stubs, EventLoopGroup network) implements AutoCloseable {
    @Override
    public void close() {
      try {
        stubs.shutdown();
        stubs.awaitTermination(2, TimeUnit.SECONDS);
      } finally {
        stop(network);
      }
    }
  }

  /** Service stubs to a server that answered within 5 s, else {@link ServerUnavailableException}. */
  static Opened open(GantryClient.Connection connection) {
    checkAddress(connection.address());
    WorkflowServiceStubsOptions.Builder options = WorkflowServiceStubsOptions.newBuilder()
        .setTarget(connection.address())
        .setRpcTimeout(Duration.ofSeconds(10))
        // A status query needs a worker to answer; say so after 15 s rather than a minute.
        .setRpcQueryTimeout(Duration.ofSeconds(15));
    if (connection.tlsCert() != null || connection.tlsKey() != null) {
      if (connection.tlsCert() == null || connection.tlsKey() == null) {
        throw new IllegalArgumentException("TLS needs both a client certificate and its key (--tls-cert, --tls-key)");
      }
      try (var cert = Files.newInputStream(connection.tlsCert());
          var key = Files.newInputStream(connection.tlsKey())) {
        options.setSslContext(SimpleSslContextBuilder.forPKCS8(cert, key).build());
      } catch (IOException e) {
        throw new GantryException("cannot read the TLS certificate or key (" + connection.tlsCert() + ", "
            + connection.tlsKey() + "): " + e.getMessage());
      }
    }
    if (connection.apiKey() != null && !connection.apiKey().isBlank()) {
      String key = connection.apiKey();
      options.addApiKey(() -> key).setEnableHttps(true);
    }
    // one daemon thread: a client that is never closed does not keep its JVM alive
    EventLoopGroup network = new NioEventLoopGroup(1, new DefaultThreadFactory("gantry-grpc", true));
    options.setChannelInitializer(channel -> ((NettyChannelBuilder) channel)
        .eventLoopGroup(network).channelType(NioSocketChannel.class));
    WorkflowServiceStubs stubs;
    String address = connection.address();
    try {
      stubs = WorkflowServiceStubs.newServiceStubs(options.build());
    } catch (RuntimeException e) {
      stop(network);
      throw new ServerUnavailableException(address, rootCause(e));
    }
    try {
      // One call, not the SDK's health check retried for 5 s: a refused port or an unknown host says so at once.
      stubs.blockingStub().withDeadlineAfter(5, TimeUnit.SECONDS)
          .getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
    } catch (StatusRuntimeException e) {
      Status.Code code = e.getStatus().getCode();
      if (code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED) {
        stubs.shutdownNow();
        stop(network);
        throw new ServerUnavailableException(address, rootCause(e));
      }
      // it answered (UNIMPLEMENTED, PERMISSION_DENIED, ...): it is there
    }
    return new Opened(stubs, network);
  }

  /** Stops the network thread and waits until it has left its selector (see {@link Opened}). */
  private static void stop(EventLoopGroup network) {
    network.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
  }

  /** A client of the namespace, calling itself gantry-client:USER. */
  static WorkflowClient client(WorkflowServiceStubs stubs, String namespace) {
    return WorkflowClient.newInstance(stubs,
        WorkflowClientOptions.newBuilder().setNamespace(namespace).setIdentity(identity()).build());
  }

  /** HOST:PORT with a port gRPC can use: a wrong one is a usage error, not a stack trace from gRPC's resolver. */
  static void checkAddress(String address) {
    String shown = dev.gantry.workflows.api.input.Names.shown(address);
    if (address == null || address.isBlank()) {
      throw new IllegalArgumentException("no Temporal address: use --address HOST:PORT (or GANTRY_ADDRESS)");
    }
    if (address.contains("://")) {
      return; // a target URI (dns:///host:port): gRPC checks it
    }
    int colon = address.lastIndexOf(':');
    if (colon <= 0 || colon == address.length() - 1) {
      throw new IllegalArgumentException("--address " + shown + " is not HOST:PORT (like 127.0.0.1:7233)");
    }
    int port;
    try {
      port = Integer.parseInt(address.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--address " + shown + ": the port is not a number");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("--address " + shown + ": the port must be 1 to 65535");
    }
  }

  private static Throwable rootCause(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause;
  }

  private static String identity() {
    String user = System.getProperty("user.name", "unknown");
    return "gantry-client:" + user;
  }
}
