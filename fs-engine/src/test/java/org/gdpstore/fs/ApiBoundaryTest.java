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
}
