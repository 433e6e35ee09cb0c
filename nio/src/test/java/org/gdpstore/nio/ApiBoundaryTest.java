package org.gdpstore.nio;

import org.gdpstore.wire.testing.ApiBoundaryContract;
import org.gdpstore.wire.testing.ApiRules;

/** The one package rule for this module (see {@link ApiRules}). */
class ApiBoundaryTest extends ApiBoundaryContract {
  ApiBoundaryTest() {
    super(new ApiRules(GdpNio.class));
  }

  /** The API (provider, GdpNio) opens filesystems in internal, which uses the API's types. */
  @Override
  protected java.util.Set<String> acceptedPackageCycles() {
    return java.util.Set.of("org.gdpstore.nio <-> org.gdpstore.nio.internal");
  }
}
