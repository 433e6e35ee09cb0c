package org.gdpstore.client;

import java.util.Set;
import org.gdpstore.wire.testing.ApiBoundaryContract;
import org.gdpstore.wire.testing.ApiRules;

/** The one package rule for this module (see {@link ApiRules}). */
class ApiBoundaryTest extends ApiBoundaryContract {
  ApiBoundaryTest() {
    super(new ApiRules(GdpClient.class));
  }

  /** The builder starts the client in internal, which implements the API's interfaces. */
  @Override
  protected Set<String> acceptedPackageCycles() {
    return Set.of("org.gdpstore.client <-> org.gdpstore.client.internal");
  }
}
