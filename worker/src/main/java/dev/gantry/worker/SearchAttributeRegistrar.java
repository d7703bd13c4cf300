package dev.gantry.worker;

import dev.gantry.starter.client.SearchAttributeSetup;
import dev.gantry.workflows.api.release.SearchAttributes;
import io.grpc.StatusRuntimeException;
import io.temporal.common.SearchAttributeKey;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/** Makes sure Gantry's search attributes exist before the worker serves releases. */
@Component
@Order(0)
public class SearchAttributeRegistrar implements ApplicationRunner {
  private static final Logger log = LoggerFactory.getLogger(SearchAttributeRegistrar.class);
  private final WorkflowServiceStubs service;
  private final String namespace;

  public SearchAttributeRegistrar(WorkflowServiceStubs service,
      @Value("${spring.temporal.namespace:default}") String namespace) {
    this.service = service;
    this.namespace = namespace;
  }

  @Override
  public void run(ApplicationArguments args) {
    try {
      List<String> added = SearchAttributeSetup.ensure(service, namespace);
      if (!added.isEmpty()) {
        log.info("registered search attributes {} in namespace {}", added, namespace);
      }
    } catch (StatusRuntimeException e) {
      log.warn("could not check or register search attributes {} in namespace {} ({}): run `gantry setup`"
          + " with an operator's credentials", SearchAttributes.ALL.stream().map(SearchAttributeKey::getName)
          .toList(), namespace, e.getStatus());
    }
  }
}
