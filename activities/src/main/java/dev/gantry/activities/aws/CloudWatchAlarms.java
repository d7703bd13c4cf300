package dev.gantry.activities.aws;

import dev.gantry.activities.support.HttpClients;
import dev.gantry.workflows.api.temporal.Failures;
import io.temporal.failure.ApplicationFailure;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;

/**
 * The few CloudWatch alarm actions Gantry needs, over CloudWatch's Query protocol
 * ({@code Action=DescribeAlarms&Version=2010-08-01}, SigV4-signed by the SDK's signer). The SDK's
 * generated CloudWatch client now speaks Smithy RPCv2 CBOR only, which moto 5.2 cannot answer; the Query
 * protocol is what CloudWatch has always accepted, so the same code runs against AWS and moto.
 */
public class CloudWatchAlarms implements AutoCloseable {
  private static final Set<String> DENIED = Set.of("AccessDenied", "AccessDeniedException",
      "InvalidClientTokenId", "SignatureDoesNotMatch", "UnrecognizedClientException", "ExpiredToken");
  private static final String VERSION = "2010-08-01";

  /** One alarm as CloudWatch reports it. */
  public record Alarm(String name, String state, String reason) {}

  private final AwsSettings settings;
  private final AwsCredentialsProvider credentials;
  private final String region;
  private final URI endpoint;
  private final HttpClient http = HttpClients.create(Duration.ofSeconds(10), HttpClient.Redirect.NEVER);
  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

  CloudWatchAlarms(AwsSettings settings, AwsCredentialsProvider credentials, String region) {
    this.settings = settings;
    this.credentials = credentials;
    this.region = region;
    this.endpoint = settings.endpoint() != null ? settings.endpoint()
        : URI.create("https://monitoring." + region + "." + (region.startsWith("cn-") ? "amazonaws.com.cn"
            : "amazonaws.com") + "/");
  }

  /** The named alarms that exist (missing names are simply absent). */
  public List<Alarm> describe(List<String> names) {
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      params.put("AlarmNames.member." + (i + 1), names.get(i));
    }
    params.put("AlarmTypes.member.1", "MetricAlarm");
    Document answer = call("DescribeAlarms", params);
    List<Alarm> alarms = new ArrayList<>();
    NodeList members = answer.getElementsByTagName("member");
    for (int i = 0; i < members.getLength(); i++) {
      Element member = (Element) members.item(i);
      String name = text(member, "AlarmName");
      String state = text(member, "StateValue");
      if (name != null && state != null) {
        alarms.add(new Alarm(name, state, text(member, "StateReason")));
      }
    }
    return alarms;
  }

  /** Sets an alarm's state by hand (operators test their failover this way; so do the tests). */
  public void setState(String name, String state, String reason) {
    call("SetAlarmState", Map.of("AlarmName", name, "StateValue", state, "StateReason", reason));
  }

  /** Creates or replaces a metric alarm (for tests and demos against moto). */
  public void putMetricAlarm(String name, String namespace, String metric, double threshold) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("AlarmName", name);
    params.put("Namespace", namespace);
    params.put("MetricName", metric);
    params.put("Statistic", "Sum");
    params.put("Period", "60");
    params.put("EvaluationPeriods", "1");
    params.put("Threshold", String.valueOf(threshold));
    params.put("ComparisonOperator", "GreaterThanThreshold");
    call("PutMetricAlarm", params);
  }

  /** One {@code MetricStat} query of {@code GetMetricData}. */
  public record MetricQuery(String id, String namespace, String metric, Map<String, String> dimensions, String stat,
      int periodSeconds) {}

  /**
   * {@code GetMetricData} over the Query protocol: per query id, the values of its periods (newest first as
   * CloudWatch returns them). A statistic the service cannot compute comes back without values.
   */
  public Map<String, List<Double>> metricData(List<MetricQuery> queries, java.time.Instant start,
      java.time.Instant end) {
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < queries.size(); i++) {
      MetricQuery query = queries.get(i);
      String prefix = "MetricDataQueries.member." + (i + 1) + ".";
      params.put(prefix + "Id", query.id());
      params.put(prefix + "MetricStat.Metric.Namespace", query.namespace());
      params.put(prefix + "MetricStat.Metric.MetricName", query.metric());
      int d = 1;
      for (Map.Entry<String, String> dimension : query.dimensions().entrySet()) {
        params.put(prefix + "MetricStat.Metric.Dimensions.member." + d + ".Name", dimension.getKey());
        params.put(prefix + "MetricStat.Metric.Dimensions.member." + d + ".Value", dimension.getValue());
        d++;
      }
      params.put(prefix + "MetricStat.Period", String.valueOf(query.periodSeconds()));
      params.put(prefix + "MetricStat.Stat", query.stat());
      params.put(prefix + "ReturnData", "true");
    }
    params.put("StartTime", start.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
    params.put("EndTime", end.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
    Document answer = call("GetMetricData", params);
    Map<String, List<Double>> values = new LinkedHashMap<>();
    NodeList results = answer.getElementsByTagName("MetricDataResults");
    if (results.getLength() == 0) {
      return values;
    }
    NodeList members = ((Element) results.item(0)).getChildNodes();
    for (int i = 0; i < members.getLength(); i++) {
      if (!(members.item(i) instanceof Element member)) {
        continue;
      }
      String id = text(member, "Id");
      List<Double> numbers = new ArrayList<>();
      NodeList valueLists = member.getElementsByTagName("Values");
      if (valueLists.getLength() > 0) {
        NodeList items = ((Element) valueLists.item(0)).getElementsByTagName("member");
        for (int j = 0; j < items.getLength(); j++) {
          try {
            numbers.add(Double.parseDouble(items.item(j).getTextContent().trim()));
          } catch (NumberFormatException notANumber) {
            // a statistic the service could not compute
          }
        }
      }
      values.put(id, numbers);
    }
    return values;
  }

  /** {@code PutMetricData} of one value (tests and demos seed metrics with it). */
  public void putMetricData(String namespace, String metric, Map<String, String> dimensions, double value,
      String unit, java.time.Instant timestamp) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("Namespace", namespace);
    params.put("MetricData.member.1.MetricName", metric);
    params.put("MetricData.member.1.Value", String.valueOf(value));
    params.put("MetricData.member.1.Unit", unit);
    params.put("MetricData.member.1.Timestamp", timestamp.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
        .toString());
    int d = 1;
    for (Map.Entry<String, String> dimension : dimensions.entrySet()) {
      params.put("MetricData.member.1.Dimensions.member." + d + ".Name", dimension.getKey());
      params.put("MetricData.member.1.Dimensions.member." + d + ".Value", dimension.getValue());
      d++;
    }
    call("PutMetricData", params);
  }

  private Document call(String action, Map<String, String> params) {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("Action", action);
    all.put("Version", VERSION);
    all.putAll(params);
    String body = all.entrySet().stream()
        .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
        .collect(Collectors.joining("&"));
    SdkHttpFullRequest unsigned = SdkHttpFullRequest.builder()
        .method(SdkHttpMethod.POST)
        .uri(endpoint)
        .putHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
        .build();
    SdkHttpRequest signed = signer.sign(r -> r.identity(credentials.resolveCredentials())
            .request(unsigned)
            .payload(ContentStreamProvider.fromUtf8String(body))
            .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "monitoring")
            .putProperty(AwsV4HttpSigner.REGION_NAME, region))
        .request();
    HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
        .timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    signed.forEachHeader((name, values) -> {
      if (!name.equalsIgnoreCase("Host") && !name.equalsIgnoreCase("Content-Length")) {
        values.forEach(value -> request.header(name, value));
      }
    });
    String what = "CloudWatch " + action + " in " + region;
    HttpResponse<byte[]> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw ApplicationFailure.newFailure(what + " failed: " + e, "AwsUnavailable");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure(what + " interrupted", "AwsUnavailable");
    }
    Document document = parse(response.body(), what);
    if (response.statusCode() / 100 != 2) {
      String code = document == null ? null : first(document, "Code");
      String message = document == null ? new String(response.body(), StandardCharsets.UTF_8)
          : first(document, "Message");
      if (response.statusCode() == 403 || (code != null && DENIED.contains(code))) {
        throw ApplicationFailure.newNonRetryableFailure(what + ": AWS denied access (" + code + ": " + message
            + "); grant the worker's role this action", Failures.AWS_ACCESS_DENIED);
      }
      throw ApplicationFailure.newFailure(what + " failed (" + code + ", HTTP " + response.statusCode() + "): "
          + message, "AwsError");
    }
    return document;
  }

  private static Document parse(byte[] body, String what) {
    if (body == null || body.length == 0) {
      return null;
    }
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      return factory.newDocumentBuilder().parse(new ByteArrayInputStream(body));
    } catch (Exception e) {
      throw ApplicationFailure.newFailure(what + " answered something that is not XML: " + e.getMessage(),
          "AwsError");
    }
  }

  private static String first(Document document, String tag) {
    NodeList nodes = document.getElementsByTagName(tag);
    return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent();
  }

  private static String text(Element parent, String tag) {
    NodeList nodes = parent.getElementsByTagName(tag);
    return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent();
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Override
  public void close() {
    // java.net.http.HttpClient needs no closing on Java 17
  }
}
