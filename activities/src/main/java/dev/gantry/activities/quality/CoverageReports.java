package dev.gantry.activities.quality;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Line coverage, in percent, from the two report formats the gate understands.
 *
 * <ul>
 *   <li>Istanbul / nyc / Jest / Vitest {@code coverage-summary.json} (the {@code json-summary} reporter):
 *       {@code .total.lines.pct}. Istanbul writes {@code "Unknown"} there when no line was instrumented;
 *       that is a problem, not zero and not a pass.</li>
 *   <li>JaCoCo XML ({@code jacoco.xml}): the {@code <counter type="LINE" missed=".." covered="..">} that is
 *       a direct child of {@code <report>} (the whole-report total, not a package's or class's), as
 *       {@code covered / (missed + covered) * 100}.</li>
 * </ul>
 *
 * <p>JaCoCo reports carry a {@code DOCTYPE} naming {@code report.dtd}, so DTDs cannot be forbidden outright;
 * instead the parser never loads an external DTD or entity, and refuses network and file access for them.
 */
final class CoverageReports {
  private CoverageReports() {}

  static double istanbulLinesPct(Path file) throws ReportProblem {
    JsonNode root = Reports.readJsonObject(file, "coverage report", PRODUCED_BY_ISTANBUL);
    JsonNode pct = root.path("total").path("lines").path("pct");
    if (pct.isNumber()) {
      return pct.asDouble();
    }
    if (pct.isTextual() && ISTANBUL_UNKNOWN.equals(pct.asText())) {
      throw new ReportProblem("coverage report " + file + " has total.lines.pct \"" + ISTANBUL_UNKNOWN
          + "\": no line was instrumented, so coverage cannot be judged; check that the tests ran with"
          + " coverage over the application's sources");
    }
    throw new ReportProblem("coverage report " + file + " has no numeric total.lines.pct: it must be"
        + " Istanbul's coverage-summary.json (the json-summary reporter), or set quality.coverage.format"
        + " to the report's real format");
  }

  static double jacocoLinesPct(Path file) throws ReportProblem {
    byte[] bytes = Reports.read(file, "coverage report", PRODUCED_BY_JACOCO);
    Document document;
    try {
      DocumentBuilder builder = secureDocumentBuilderFactory().newDocumentBuilder();
      // Belt and braces: even if a feature were ignored, nothing external is ever read.
      builder.setEntityResolver((publicId, systemId) -> new InputSource(new StringReader("")));
      builder.setErrorHandler(THROWING);
      document = builder.parse(new ByteArrayInputStream(bytes));
    } catch (SAXParseException e) {
      // The parser's message names elements and text of the file: only the position is passed on.
      throw new ReportProblem("coverage report " + file + " is not well-formed XML at line " + e.getLineNumber()
          + ", column " + e.getColumnNumber() + ": regenerate it with jacoco:report");
    } catch (SAXException | IOException e) {
      throw new ReportProblem("coverage report " + file + " could not be parsed as XML ("
          + e.getClass().getSimpleName() + "): regenerate it with jacoco:report");
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("the JDK's XML parser cannot be configured securely", e);
    }
    Element report = document.getDocumentElement();
    if (!"report".equals(report.getTagName())) {
      throw new ReportProblem("coverage report " + file + " has a root element other than <report>: it must be JaCoCo's XML report (jacoco.xml), or set quality.coverage.format"
          + " to the report's real format");
    }
    for (Node child = report.getFirstChild(); child != null; child = child.getNextSibling()) {
      if (child instanceof Element counter && "counter".equals(counter.getTagName())
          && "LINE".equals(counter.getAttribute("type"))) {
        long missed = count(file, counter, "missed");
        long covered = count(file, counter, "covered");
        if (missed + covered == 0) {
          throw new ReportProblem("coverage report " + file + " counts no lines (missed=0, covered=0):"
              + " coverage cannot be judged; check that the tests ran with the JaCoCo agent over the"
              + " application's classes");
        }
        return covered * 100.0 / (missed + covered);
      }
    }
    throw new ReportProblem("coverage report " + file + " has no report-level <counter type=\"LINE\">:"
        + " no class was analysed; check that the tests ran with the JaCoCo agent and that jacoco:report"
        + " found the classes");
  }

  private static long count(Path file, Element counter, String attribute) throws ReportProblem {
    String text = counter.getAttribute(attribute);
    try {
      long value = Long.parseLong(text);
      if (value >= 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ReportProblem("coverage report " + file + " has a LINE counter whose '" + attribute + "' is not"
        + " a count: regenerate it with jacoco:report");
  }

  /**
   * A parser that never fetches anything: external general and parameter entities off, external DTD
   * loading off, no XInclude, entity expansion limits of secure processing, and no protocol allowed for
   * external DTDs or schemas.
   */
  static DocumentBuilderFactory secureDocumentBuilderFactory() throws ParserConfigurationException {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
    factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
    factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
    factory.setXIncludeAware(false);
    factory.setExpandEntityReferences(false);
    factory.setNamespaceAware(false);
    factory.setValidating(false);
    return factory;
  }

  private static final ErrorHandler THROWING = new ErrorHandler() {
    @Override
    public void warning(SAXParseException exception) {}

    @Override
    public void error(SAXParseException exception) throws SAXException {
      throw exception;
    }

    @Override
    public void fatalError(SAXParseException exception) throws SAXException {
      throw exception;
    }
  };

  /** What Istanbul writes as the percentage when no line was instrumented. */
  private static final String ISTANBUL_UNKNOWN = "Unknown";

  static final String PRODUCED_BY_ISTANBUL =
      "run the tests with coverage and the json-summary reporter (e.g. nyc --reporter=json-summary,"
          + " jest --coverageReporters=json-summary)";
  static final String PRODUCED_BY_JACOCO = "run the tests with the JaCoCo agent and jacoco:report";
}
