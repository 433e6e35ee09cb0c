package org.gdpstore.sim.junit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import org.gdpstore.sim.GdpSimulator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts one {@link GdpSimulator} per test class and injects it into test methods, lifecycle
 * methods and constructors that declare a {@code GdpSimulator} parameter; stops it after the class.
 *
 * <pre>{@code
 * @ExtendWith(SimulatorExtension.class)
 * @SimulatorOptions(durable = true)          // optional
 * class MyTest {
 *   @Test void works(GdpSimulator sim) { ... sim.inProcessAddress() ... }
 * }
 * }</pre>
 *
 * Needs junit-jupiter-api on the class path (an optional dependency of the simulator).
 */
public final class SimulatorExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(SimulatorExtension.class);
  private static final String KEY = "simulator";

  /** The running simulator and its temporary directory. */
  private record Running(GdpSimulator sim, Path tempDir) {
    void stop() {
      sim.close();
      if (tempDir != null) {
        deleteTree(tempDir);
      }
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    running(context);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    Running r = context.getStore(NS).remove(KEY, Running.class);
    if (r != null) {
      r.stop();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    return parameterContext.getParameter().getType() == GdpSimulator.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    return running(extensionContext).sim();
  }

  private static Running running(ExtensionContext context) {
    ExtensionContext classContext = context;
    while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
      classContext = classContext.getParent().get();
    }
    Running r = classContext.getStore(NS).get(KEY, Running.class);
    if (r == null) {
      r = start(classContext.getRequiredTestClass());
      classContext.getStore(NS).put(KEY, r);
    }
    return r;
  }

  private static Running start(Class<?> testClass) {
    SimulatorOptions o = testClass.getAnnotation(SimulatorOptions.class);
    GdpSimulator.Builder b = GdpSimulator.builder().inProcess();
    Path dir = null;
    if (o == null || o.tcp()) {
      b.loopbackTcp(0);
    }
    if (o != null) {
      if (!o.serverName().isEmpty()) {
        b.serverName(o.serverName());
      }
      if (o.routerOnly()) {
        b.routerOnly();
      }
      if (o.durable()) {
        try {
          dir = Files.createTempDirectory("gdp-sim-");
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        b.dataDir(dir);
      }
    }
    return new Running(b.start(), dir);
  }

  private static void deleteTree(Path dir) {
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
          Files.deleteIfExists(d);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      // best effort: a temporary directory
    }
  }
}
