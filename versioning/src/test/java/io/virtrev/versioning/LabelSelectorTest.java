package io.virtrev.versioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelSelectorTest {
  private static final Map<String, String> WEB = Map.of("tier", "web", "env", "prod");
  private static final Map<String, String> DB = Map.of("tier", "db");

  @Test
  void everyOperatorMatchesAsKubernetesDoes() {
    assertMatches("tier=web", true, false);
    assertMatches("tier==web", true, false);
    assertMatches("tier!=web", false, true);
    assertMatches("env!=prod", false, true); // true without the key
    assertMatches("tier in (web, db)", true, true);
    assertMatches("tier in (db)", false, true);
    assertMatches("env notin (prod,test)", false, true);
    assertMatches("env", true, false);
    assertMatches("!env", false, true);
    assertMatches("tier=web,env=prod", true, false);
    assertMatches(" tier in (db,web) , !missing ", true, true);
    assertMatches("tier=", false, false);
    assertThat(LabelSelector.parse("").isEverything()).isTrue();
    assertThat(LabelSelector.parse(null).matches(Map.of())).isTrue();
  }

  @Test
  void canonicalTextParsesToTheSameSelector() {
    LabelSelector s = LabelSelector.parse("tier in (web,db), env != prod,!x,y");
    assertThat(s.toString()).isEqualTo("tier in (db,web),env!=prod,!x,y");
    assertThat(LabelSelector.parse(s.toString()).toString()).isEqualTo(s.toString());
  }

  @Test
  void parseErrorsNameTheSelectorAndTheProblem() {
    assertBad("tier in web", "unable to parse labelSelector \"tier in web\": expected '(' after in/notin for key \"tier\"");
    assertBad("tier in (web", "expected ',' or ')' in the values of key \"tier\"");
    assertBad("tier >= 3", "after key \"tier\" expected =, ==, !=, in or notin");
    assertBad("a=b c", "expected ',' or the end after a requirement");
    assertBad("=web", "expected a label key");
    assertBad("bad key!=x", "after key \"bad\"");
    assertBad("-a=b", "invalid label key \"-a\"");
    assertBad("a=-b", "invalid value \"-b\" for key \"a\"");
    assertBad("a,", "expected a label key");
    assertBad("a in ( )", "the values of key \"a\" are empty");
    assertBad("a=" + "x".repeat(64), "must be no more than 63 characters");
  }

  private static void assertMatches(String selector, boolean web, boolean db) {
    LabelSelector s = LabelSelector.parse(selector);
    assertThat(s.matches(WEB)).as(selector + " on web").isEqualTo(web);
    assertThat(s.matches(DB)).as(selector + " on db").isEqualTo(db);
  }

  private static void assertBad(String selector, String message) {
    assertThatThrownBy(() -> LabelSelector.parse(selector)).isInstanceOfSatisfying(StoreException.class,
        e -> assertThat(e.reason()).isEqualTo(StoreException.Reason.MALFORMED)).hasMessageContaining(message);
  }
}
