package dev.gantry.worker;

import dev.gantry.workflows.api.SearchAttributes;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.common.SearchAttributeKey;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Makes sure Gantry's search attributes exist before releases run: a release that upserts an unknown
 * attribute would fail its workflow tasks until someone registers it.
 */
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

  /** The namespace's custom attributes; empty where the server cannot list them (the Java test server). */
  private Map<String, IndexedValueType> existing(OperatorServiceStubs operator) {
    try {
      return operator.blockingStub()
          .listSearchAttributes(ListSearchAttributesRequest.newBuilder().setNamespace(namespace).build())
          .getCustomAttributesMap();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
        return Map.of();
      }
      throw e;
    }
  }

  @Override
  public void run(ApplicationArguments args) {
    OperatorServiceStubs operator = OperatorServiceStubs.newServiceStubs(
        OperatorServiceStubsOptions.newBuilder(service.getOptions()).validateAndBuildWithDefaults());
    try {
      Map<String, IndexedValueType> missing = new LinkedHashMap<>();
      Map<String, IndexedValueType> existing = existing(operator);
      for (SearchAttributeKey<String> key : SearchAttributes.ALL) {
        if (!existing.containsKey(key.getName())) {
          missing.put(key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
        }
      }
      if (!missing.isEmpty()) {
        operator.blockingStub().addSearchAttributes(AddSearchAttributesRequest.newBuilder()
            .setNamespace(namespace).putAllSearchAttributes(missing).build());
        log.info("registered search attributes {} in namespace {}", missing.keySet(), namespace);
      }
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.ALREADY_EXISTS) {
        return;
      }
      log.warn("could not check or register search attributes {} in namespace {} ({}): register them"
          + " with `temporal operator search-attribute create --name <name> --type Keyword`",
          SearchAttributes.ALL.stream().map(SearchAttributeKey::getName).toList(), namespace,
          e.getStatus());
    } finally {
      operator.shutdown();
    }
  }
}
