package org.gdpstore.wire.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The one package rule (see {@link ApiRules}) as tests: each module's {@code ApiBoundaryTest}
 * extends this with the rules of that module.
 */
public abstract class ApiBoundaryContract {
  private final ApiRules rules;

  protected ApiBoundaryContract(ApiRules rules) {
    this.rules = rules;
  }

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
