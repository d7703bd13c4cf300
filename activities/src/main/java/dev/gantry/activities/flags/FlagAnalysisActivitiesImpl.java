package dev.gantry.activities.flags;

import dev.gantry.activities.deploy.Heartbeats;

import static dev.gantry.workflows.api.flags.FlagAnalysisActivities.INVALID;
import static dev.gantry.workflows.api.flags.FlagAnalysisActivities.UNAVAILABLE;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.activities.support.HttpClients;
import dev.gantry.workflows.api.flags.ExperimentAnalysisRequest;
import dev.gantry.workflows.api.flags.ExperimentResult;
import dev.gantry.workflows.api.flags.FlagAnalysisActivities;
import dev.gantry.workflows.api.flags.MetricCounts;
import dev.gantry.workflows.api.flags.MetricRequest;
import dev.gantry.workflows.api.flags.TreatmentCount;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a metric per treatment from an HTTP endpoint with this contract:
 * {@code GET <url>?flag=<flag>&environment=<env>&metric=<metric>&since=<epoch millis>} answers
 * {@code {"flag": "...", "metric": "...", "treatments": [{"treatment": "on", "exposures": 1200,
 * "conversions": 14}, ...]}} (counts since {@code since}); and runs the significance test.
 */
public class FlagAnalysisActivitiesImpl implements FlagAnalysisActivities {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http;
  private final Duration timeout;

  public FlagAnalysisActivitiesImpl(HttpClient http, Duration timeout) {
    this.http = http;
    this.timeout = timeout;
  }

  public FlagAnalysisActivitiesImpl() {
    this(HttpClients.create(Duration.ofSeconds(10), HttpClient.Redirect.NEVER), Duration.ofSeconds(30));
  }

  @Override
  public MetricCounts readCounts(MetricRequest request) {
    return Heartbeats.during(() -> readCountsNow(request));
  }

  private MetricCounts readCountsNow(MetricRequest request) {
    if (request.url() == null || !request.url().matches("https?://\\S+")) {
      throw ApplicationFailure.newNonRetryableFailure("flags.metricsUrl is '" + request.url() + "': set it to the"
          + " http(s) metrics endpoint", INVALID);
    }
    String url = request.url() + (request.url().contains("?") ? "&" : "?") + "flag=" + enc(request.flag())
        + "&environment=" + enc(request.environment()) + "&metric=" + enc(request.metric())
        + "&since=" + request.sinceEpochMillis();
    HttpResponse<String> response;
    try {
      response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
          .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw ApplicationFailure.newFailure("metrics endpoint " + request.url() + " unreachable: " + e, UNAVAILABLE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure("interrupted reading " + request.url(), UNAVAILABLE);
    }
    int status = response.statusCode();
    if (status >= 500 || status == 408 || status == 429) {
      throw ApplicationFailure.newFailure("metrics endpoint answered " + status + "; will retry", UNAVAILABLE);
    }
    if (status != 200) {
      throw ApplicationFailure.newNonRetryableFailure("metrics endpoint answered " + status + " to "
          + request.url() + ": " + SplitAdminClient.quote(response.body()), INVALID);
    }
    try {
      JsonNode body = JSON.readTree(response.body());
      List<TreatmentCount> counts = new ArrayList<>();
      for (JsonNode t : body.path("treatments")) {
        long exposures = t.path("exposures").asLong(-1);
        long conversions = t.path("conversions").asLong(-1);
        if (!t.path("treatment").isTextual() || exposures < 0 || conversions < 0 || conversions > exposures) {
          throw ApplicationFailure.newNonRetryableFailure("metrics endpoint gave an impossible count: " + t
              + " (need treatment, exposures >= conversions >= 0)", INVALID);
        }
        counts.add(new TreatmentCount(t.path("treatment").asText(), exposures, conversions));
      }
      return new MetricCounts(request.flag(), request.metric(), counts);
    } catch (IOException e) {
      throw ApplicationFailure.newNonRetryableFailure("metrics endpoint answered something that is not JSON: "
          + SplitAdminClient.quote(response.body()), INVALID);
    }
  }

  @Override
  public ExperimentResult compare(ExperimentAnalysisRequest request) {
    return ExperimentStatistics.compare(request);
  }

  private static String enc(String value) {
    return URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8);
  }
}
