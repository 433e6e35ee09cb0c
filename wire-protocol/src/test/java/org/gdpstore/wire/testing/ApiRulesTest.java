package org.gdpstore.wire.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.gdpstore.wire.GdpName;
import org.junit.jupiter.api.Test;

/** The checker itself catches what it is for, so the modules' ApiBoundaryTests can fail. */
class ApiRulesTest {
  /** Not API, only a sample: a non-API type of the module as return, parameter and type argument. */
  public static final class LeakyApi {
    public ApiRules rules() {
      return null;
    }

    public void use(ApiRules r) {}

    public List<ApiRules> all() {
      return List.of();
    }

    ApiRules packagePrivateIsFine() {
      return null;
    }
  }

  @Test
  void findsPackageCycles() throws Exception {
    // among these test classes: ApiBoundaryTest (wire) extends ApiBoundaryContract (wire.testing), which
    // reaches back to GdpName (wire) here
    assertThat(new ApiRules(ApiRulesTest.class).packageCycles()).contains("org.gdpstore.wire <-> org.gdpstore.wire.testing");
  }

  @Test
  void findsNonApiTypesInPublicSignatures() {
    ApiRules rules = new ApiRules(GdpName.class);
    assertThat(rules.signatureViolations(LeakyApi.class)).hasSize(3);
    assertThat(rules.signatureViolations(GdpName.class)).isEmpty();
  }
}
