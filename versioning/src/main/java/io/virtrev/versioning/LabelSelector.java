package io.virtrev.versioning;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A Kubernetes label selector (apimachinery {@code labels.Parse}): requirements separated by commas, all
 * of which must hold: {@code key=value}, {@code key==value}, {@code key!=value} (also true without the
 * key), {@code key in (a,b)}, {@code key notin (a,b)} (also true without the key), {@code key} (the key
 * is there) and {@code !key} (it is not). Keys must be qualified names and values valid label values, as
 * Kubernetes checks them. Immutable; used inside {@link FieldSelector}, which applies both.
 */
public final class LabelSelector {
  public static final LabelSelector EVERYTHING = new LabelSelector(List.of());

  private enum Op { IN, NOT_IN, EXISTS, NOT_EXISTS }

  /** One requirement; {@code =}/{@code ==} is IN with one value, {@code !=} NOT_IN with one. */
  private record Requirement(String key, Op op, Set<String> values) {
    boolean matches(Map<String, String> labels) {
      String v = labels.get(key);
      return switch (op) {
        case EXISTS -> v != null;
        case NOT_EXISTS -> v == null;
        case IN -> v != null && values.contains(v);
        case NOT_IN -> v == null || !values.contains(v);
      };
    }

    @Override
    public String toString() {
      return switch (op) {
        case EXISTS -> key;
        case NOT_EXISTS -> "!" + key;
        case IN -> values.size() == 1 ? key + "=" + values.iterator().next()
            : key + " in (" + String.join(",", values) + ")";
        case NOT_IN -> values.size() == 1 ? key + "!=" + values.iterator().next()
            : key + " notin (" + String.join(",", values) + ")";
      };
    }
  }

  private final List<Requirement> requirements;

  private LabelSelector(List<Requirement> requirements) {
    this.requirements = requirements;
  }

  /**
   * Parses e.g. {@code tier=web,env in (prod,staging),!legacy}.
   *
   * @throws StoreException BAD_REQUEST naming the selector and what is wrong in it
   */
  public static LabelSelector parse(String text) {
    if (text == null || text.isBlank()) {
      return EVERYTHING;
    }
    return new Parser(text).parse();
  }

  public boolean isEverything() {
    return requirements.isEmpty();
  }

  public boolean matches(Map<String, String> labels) {
    for (Requirement r : requirements) {
      if (!r.matches(labels)) {
        return false;
      }
    }
    return true;
  }

  /** The canonical text (requirements in the order given, set values sorted); parses to an equal selector. */
  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    for (Requirement r : requirements) {
      parts.add(r.toString());
    }
    return String.join(",", parts);
  }

  /** A recursive-descent parser over the selector text; one per parse. */
  private static final class Parser {
    private final String text;
    private int pos;

    Parser(String text) {
      this.text = text;
    }

    LabelSelector parse() {
      List<Requirement> out = new ArrayList<>();
      while (true) {
        out.add(requirement());
        skipSpace();
        if (pos == text.length()) {
          return new LabelSelector(List.copyOf(out));
        }
        if (text.charAt(pos) != ',') {
          throw bad("expected ',' or the end after a requirement, found \"" + text.substring(pos) + "\"");
        }
        pos++;
      }
    }

    private Requirement requirement() {
      skipSpace();
      if (peek('!') && !text.startsWith("!=", pos)) {
        pos++;
        return new Requirement(key(), Op.NOT_EXISTS, Set.of());
      }
      String key = key();
      skipSpace();
      if (pos == text.length() || peek(',')) {
        return new Requirement(key, Op.EXISTS, Set.of());
      }
      if (text.startsWith("==", pos)) {
        pos += 2;
        return new Requirement(key, Op.IN, Set.of(value(key)));
      }
      if (text.startsWith("!=", pos)) {
        pos += 2;
        return new Requirement(key, Op.NOT_IN, Set.of(value(key)));
      }
      if (peek('=')) {
        pos++;
        return new Requirement(key, Op.IN, Set.of(value(key)));
      }
      String word = word();
      return switch (word) {
        case "in" -> new Requirement(key, Op.IN, set(key));
        case "notin" -> new Requirement(key, Op.NOT_IN, set(key));
        default -> throw bad("after key \"" + key + "\" expected =, ==, !=, in or notin, found \""
            + (word.isEmpty() ? text.substring(pos) : word) + "\"");
      };
    }

    private String key() {
      skipSpace();
      String k = word();
      if (k.isEmpty()) {
        throw bad("expected a label key at position " + pos);
      }
      String problem = ObjectMetaValidation.keyProblem(k);
      if (problem != null) {
        throw bad("invalid label key \"" + k + "\": " + problem);
      }
      return k;
    }

    private String value(String key) {
      skipSpace();
      String v = word();
      String problem = ObjectMetaValidation.labelValueProblem(v);
      if (problem != null) {
        throw bad("invalid value \"" + v + "\" for key \"" + key + "\": " + problem);
      }
      return v;
    }

    private Set<String> set(String key) {
      skipSpace();
      if (!peek('(')) {
        throw bad("expected '(' after in/notin for key \"" + key + "\"");
      }
      pos++;
      skipSpace();
      if (peek(')')) {
        throw bad("the values of key \"" + key + "\" are empty: in and notin need at least one");
      }
      Set<String> values = new TreeSet<>();
      while (true) {
        values.add(value(key));
        skipSpace();
        if (peek(')')) {
          pos++;
          return values;
        }
        if (!peek(',')) {
          throw bad("expected ',' or ')' in the values of key \"" + key + "\"");
        }
        pos++;
      }
    }

    /** The characters up to the next space, operator or punctuation. */
    private String word() {
      int start = pos;
      while (pos < text.length() && " \t=!,()".indexOf(text.charAt(pos)) < 0) {
        pos++;
      }
      return text.substring(start, pos);
    }

    private boolean peek(char c) {
      return pos < text.length() && text.charAt(pos) == c;
    }

    private void skipSpace() {
      while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
        pos++;
      }
    }

    private StoreException bad(String why) {
      return new StoreException(StoreException.Reason.MALFORMED,
          "unable to parse labelSelector \"" + text + "\": " + why);
    }
  }
}
