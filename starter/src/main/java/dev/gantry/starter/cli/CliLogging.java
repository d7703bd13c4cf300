package dev.gantry.starter.cli;

import java.io.PrintStream;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The CLI's logging: library errors only, one line each on stderr ({@code ERROR logger: message}); results go to
 * stdout. {@link GantryCli#main} names it in {@code slf4j.provider}, so SLF4J loads it directly: no provider scan,
 * no logging framework to configure (a logback XML configuration alone cost the CLI a tenth of its start-up).
 */
public final class CliLogging implements SLF4JServiceProvider {
  private final ILoggerFactory loggers = ErrorsToStderr::new;
  private final IMarkerFactory markers = new BasicMarkerFactory();
  private final MDCAdapter mdc = new NOPMDCAdapter();

  @Override
  public ILoggerFactory getLoggerFactory() {
    return loggers;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return "2.0.99";
  }

  @Override
  public void initialize() {
    // nothing to set up
  }

  static final class ErrorsToStderr extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;

    ErrorsToStderr(String name) {
      this.name = name;
    }

    @Override
    public boolean isTraceEnabled() {
      return false;
    }

    @Override
    public boolean isDebugEnabled() {
      return false;
    }

    @Override
    public boolean isInfoEnabled() {
      return false;
    }

    @Override
    public boolean isWarnEnabled() {
      return false;
    }

    @Override
    public boolean isErrorEnabled() {
      return true;
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
        Throwable throwable) {
      if (level != Level.ERROR) {
        return;
      }
      String message = MessageFormatter.basicArrayFormat(pattern, arguments);
      String shortName = name.substring(name.lastIndexOf('.') + 1);
      PrintStream err = System.err;
      err.println("ERROR " + shortName + ": " + message
          + (throwable == null ? "" : " (" + throwable.getClass().getSimpleName() + ": " + throwable.getMessage() + ")"));
    }
  }
}
