package org.gdpstore.fs;

import org.gdpstore.wire.testing.ApiBoundaryContract;
import org.gdpstore.wire.testing.ApiRules;

/**
 * The one package rule for fs-engine (see {@link ApiRules}): {@code org.gdpstore.fs} is the API,
 * {@code org.gdpstore.fs.internal} (and its sub-packages) the rest.
 */
class ApiBoundaryTest extends ApiBoundaryContract {
  ApiBoundaryTest() {
    super(new ApiRules(GdpFileSystem.class));
  }

  /** GdpFileSystem opens the engine in internal, which throws and returns the API's types. */
  @Override
  protected java.util.Set<String> acceptedPackageCycles() {
    return java.util.Set.of("org.gdpstore.fs <-> org.gdpstore.fs.internal");
  }
}
