package org.gdpstore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.gdpstore.wire.testing.ApiRules;
import org.junit.jupiter.api.Test;

/** The one package rule (see {@link ApiRules}) for this module. */
class ApiBoundaryTest {
  private final ApiRules rules = new ApiRules(GdpfsCli.class);

  @Test
  void everyClassIsInTheApiPackageOrUnderInternal() throws Exception {
    assertThat(rules.misplacedClasses()).isEmpty();
  }

  @Test
  void noInternalTypeInAPublicSignatureOfTheApi() throws Exception {
    assertThat(rules.signatureViolations()).isEmpty();
  }

  @Test
  void noClassUsesAnotherModulesInternalPackage() throws Exception {
    assertThat(rules.foreignInternalUses()).isEmpty();
  }
}
