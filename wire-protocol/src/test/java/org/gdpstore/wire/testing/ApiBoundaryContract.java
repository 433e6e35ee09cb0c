package org.gdpstore.wire.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
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

  @Test
  void noTypeSharesItsNameWithAnotherModulesOrTheJdks() throws Exception {
    assertThat(rules.nameClashes()).isEmpty();
  }

  /**
   * The package cycles a module still has and accepts (default none); a new one fails the test. An
   * API that starts its implementation (a builder calling {@code internal}) while the implementation
   * implements the API's interfaces is such a cycle, accepted where it is named here.
   */
  protected Set<String> acceptedPackageCycles() {
    return Set.of();
  }

  @Test
  void noPackageCyclesBeyondTheAcceptedOnes() throws Exception {
    assertThat(rules.packageCycles()).isSubsetOf(acceptedPackageCycles());
  }
}
