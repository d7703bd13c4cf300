package dev.gantry.workflows.api.release;

import io.temporal.common.SearchAttributeKey;
import java.util.List;

/**
 * Typed search attributes, so releases can be listed and filtered in the Temporal UI and the CLI.
 * Keyword slots are scarce on SQL visibility stores (10 per namespace): these take five.
 */
public final class SearchAttributes {
  private SearchAttributes() {}

  public static final SearchAttributeKey<String> APPLICATION =
      SearchAttributeKey.forKeyword("GantryApplication");
  public static final SearchAttributeKey<String> VERSION =
      SearchAttributeKey.forKeyword("GantryVersion");
  public static final SearchAttributeKey<String> ENVIRONMENT =
      SearchAttributeKey.forKeyword("GantryEnvironment");
  public static final SearchAttributeKey<String> STAGE =
      SearchAttributeKey.forKeyword("GantryStage");
  public static final SearchAttributeKey<String> STATUS =
      SearchAttributeKey.forKeyword("GantryStatus");

  public static final List<SearchAttributeKey<String>> ALL =
      List.of(APPLICATION, VERSION, ENVIRONMENT, STAGE, STATUS);
}
