package io.orchestrix.projection.jdbc;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A data source without a pool whose connections count write statements (INSERT, UPDATE, DELETE,
 * MERGE; a batch counts once) and, when the count would pass a limit, run a fault instead: by default
 * the physical connection is closed and the statement fails, as if the process or network died
 * there. Thread-safe. Shared with event-store-jdbc's tests through this module's test jar.
 */
public final class FaultInjectingDataSource implements DataSource {

  /** What happens in place of the write past the limit. */
  @FunctionalInterface
  public interface Fault {
    /** Runs on the connection about to write; may throw to fail the write. */
    void strike(Connection connection) throws SQLException;
  }

  /** Closes the connection and fails the write. */
  public static final Fault CRASH = connection -> {
    connection.close();
    throw new SQLException("injected fault: the connection died before this write", "08006");
  };

  private static final Set<String> EXECUTE_METHODS =
      Set.of("execute", "executeUpdate", "executeLargeUpdate", "executeBatch", "executeLargeBatch");

  private final String url;
  private final int writesBeforeFault;
  private final Fault fault;
  private final AtomicInteger writes = new AtomicInteger();
  private final AtomicInteger statements = new AtomicInteger();

  public FaultInjectingDataSource(String url, int writesBeforeFault, Fault fault) {
    this.url = url;
    this.writesBeforeFault = writesBeforeFault;
    this.fault = fault;
  }

  /** A data source that never faults and only counts. */
  public static FaultInjectingDataSource counting(String url) {
    return new FaultInjectingDataSource(url, Integer.MAX_VALUE, CRASH);
  }

  /** Write statements executed so far. */
  public int writes() {
    return writes.get();
  }

  /** Statements of any kind executed so far (each batch once). */
  public int statements() {
    return statements.get();
  }

  @Override
  public Connection getConnection() throws SQLException {
    Connection real = DriverManager.getConnection(url);
    return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {Connection.class}, (proxy, method, args) -> {
          Object result = invoke(real, method, args);
          if (result instanceof PreparedStatement statement && args != null && args[0] instanceof String sql) {
            return wrap(real, statement, PreparedStatement.class, sql);
          }
          if (result instanceof Statement statement && !(result instanceof PreparedStatement)) {
            return wrap(real, statement, Statement.class, null);
          }
          return result;
        });
  }

  private <S extends Statement> S wrap(Connection real, S statement, Class<S> type, String preparedSql) {
    InvocationHandler handler = (proxy, method, args) -> {
      if (EXECUTE_METHODS.contains(method.getName())) {
        String sql = preparedSql != null ? preparedSql : args != null && args.length > 0 ? String.valueOf(args[0]) : "";
        statements.incrementAndGet();
        if (isWrite(sql) && writes.getAndIncrement() >= writesBeforeFault) {
          fault.strike(real);
        }
      }
      return invoke(statement, method, args);
    };
    return type.cast(Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {type}, handler));
  }

  private static boolean isWrite(String sql) {
    String start = sql.stripLeading().toUpperCase(Locale.ROOT);
    return start.startsWith("INSERT") || start.startsWith("UPDATE") || start.startsWith("DELETE")
        || start.startsWith("MERGE");
  }

  private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @Override
  public Connection getConnection(String username, String password) {
    throw new UnsupportedOperationException("credentials come from the URL");
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {}

  @Override
  public void setLoginTimeout(int seconds) {}

  @Override
  public int getLoginTimeout() {
    return 0;
  }

  @Override
  public Logger getParentLogger() {
    return Logger.getGlobal();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    throw new SQLException("not a wrapper");
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return false;
  }
}
