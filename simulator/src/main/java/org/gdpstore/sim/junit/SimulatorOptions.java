package org.gdpstore.sim.junit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Optional settings for the simulator {@link SimulatorExtension} starts for a test class. Without
 * it: in-process plus loopback TCP on an ephemeral port, in memory, the default server name.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
public @interface SimulatorOptions {
  /** Also listen on 127.0.0.1 with an ephemeral port. */
  boolean tcp() default true;

  /** Keep logs in a temporary directory (deleted after the class) instead of memory. */
  boolean durable() default false;

  /** Human name of the log server; empty = {@link org.gdpstore.sim.GdpSimulator#DEFAULT_SERVER_NAME}. */
  String serverName() default "";

  /** Run only the router. */
  boolean routerOnly() default false;
}
