package org.gdpstore.home;

import org.gdpstore.wire.testing.ApiBoundaryContract;
import org.gdpstore.wire.testing.ApiRules;

/** The one package rule for this module (see {@link ApiRules}). */
class ApiBoundaryTest extends ApiBoundaryContract {
  ApiBoundaryTest() {
    super(new ApiRules(GdpHome.class));
  }

  @Override
  protected java.util.Set<String> acceptedPackageCycles() {
    // the API hands work to internal (HomeFiles, EmbeddedStore), which reports through the API's
    // HomeException and HomeAlias
    return java.util.Set.of("org.gdpstore.home <-> org.gdpstore.home.internal");
  }
}
