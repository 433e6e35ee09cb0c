package org.gdpstore.home;

import org.gdpstore.wire.testing.ApiBoundaryContract;
import org.gdpstore.wire.testing.ApiRules;

/** The one package rule for this module (see {@link ApiRules}). */
class ApiBoundaryTest extends ApiBoundaryContract {
  ApiBoundaryTest() {
    super(new ApiRules(GdpHome.class));
  }
}
