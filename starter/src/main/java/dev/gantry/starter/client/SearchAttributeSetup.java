package dev.gantry.starter.client;

import dev.gantry.workflows.api.release.SearchAttributes;
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
import java.util.List;
import java.util.Map;

/**
 * Registers Gantry's search attributes (Keyword) in a namespace, idempotently: a release that upserts an
 * unknown attribute would fail its workflow tasks until someone registers it. Used by
 * {@code gantry setup}, by the worker at start-up and by the benchmarks.
 */
public final class SearchAttributeSetup {
  private SearchAttributeSetup() {}

  /** @return the attributes this call added (empty when all were there) */
  public static List<String> ensure(WorkflowServiceStubs service, String namespace) {
    OperatorServiceStubs operator = OperatorServiceStubs.newServiceStubs(
        OperatorServiceStubsOptions.newBuilder(service.getOptions()).validateAndBuildWithDefaults());
    try {
      Map<String, IndexedValueType> existing = existing(operator, namespace);
      Map<String, IndexedValueType> missing = new LinkedHashMap<>();
      for (SearchAttributeKey<String> key : SearchAttributes.ALL) {
        if (!existing.containsKey(key.getName())) {
          missing.put(key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
        }
      }
      if (!missing.isEmpty()) {
        try {
          operator.blockingStub().addSearchAttributes(AddSearchAttributesRequest.newBuilder()
              .setNamespace(namespace).putAllSearchAttributes(missing).build());
        } catch (StatusRuntimeException e) {
          if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
            throw e;
          }
        }
      }
      return List.copyOf(missing.keySet());
    } finally {
      operator.shutdown();
    }
  }

  /** The namespace's custom attributes; empty where the server cannot list them (the Java test server). */
  private static Map<String, IndexedValueType> existing(OperatorServiceStubs operator, String namespace) {
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
}
